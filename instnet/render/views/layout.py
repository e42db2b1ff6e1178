"""A precomputed layout for large maps: one disc of nodes per region, regions placed by geography.

vis-network's force layout is quadratic-ish per iteration and runs in the reader's
browser: with thousands of nodes it keeps a laptop busy for minutes. Above
:data:`LAYOUT_THRESHOLD` drawn nodes the map is laid out here instead, in
milliseconds, and the page draws it with physics off:

* every region is a disc; its nodes are packed by a weighted sunflower (Vogel)
  spiral, the largest node in the centre, so nothing overlaps;
* the discs start at their actors' mean longitude / latitude (north up), or on a
  grid when coordinates are unknown, and are pushed apart until no two overlap;
* actors without a region (national bodies) form a disc of their own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: Above this many drawn nodes the map is laid out in Python and drawn without physics.
LAYOUT_THRESHOLD = 600
_GOLDEN = math.pi * (3 - math.sqrt(5))
_PAD = 40.0          # room around each node (and its label), in vis-network units
_GAP = 140.0         # room between two region discs
NO_REGION = "national / no region"


def _disc(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Offsets of nodes of radii ``sizes`` (largest first) packed in a disc, and its radius."""
    area = (2 * sizes + _PAD) ** 2
    cum = np.cumsum(area) - area / 2
    cum[0] = 0.0
    r = 1.1 * np.sqrt(cum / math.pi)
    theta = np.arange(len(sizes)) * _GOLDEN
    radius = float(r.max() + sizes.max() + _PAD) if len(sizes) else 0.0
    return r * np.cos(theta), r * np.sin(theta), radius


def _separate(xy: np.ndarray, rad: np.ndarray, iterations: int = 400) -> np.ndarray:
    """Push discs apart (pairwise, symmetric) until none overlap."""
    xy = xy.copy()
    n = len(xy)
    if n < 2:
        return xy
    need = rad[:, None] + rad[None, :] + _GAP
    for _ in range(iterations):
        d = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((d ** 2).sum(-1))
        np.fill_diagonal(dist, np.inf)
        over = need - dist
        np.fill_diagonal(over, 0.0)
        if over.max() <= 1e-6:
            break
        # coincident centres: nudge deterministically
        same = dist < 1e-9
        if same.any():
            i, j = np.nonzero(same)
            d[i, j] = np.stack([np.cos(i + j * 1.7), np.sin(i + j * 1.7)], axis=1)
            dist = np.where(same, 1.0, dist)
        push = np.clip(over, 0, None) / 2 / dist
        xy += (d * push[:, :, None]).sum(axis=1) * 1.01
    return xy


def region_layout(nodes: list[dict[str, Any]], centres: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """Give every node fixed ``x``/``y`` (in place); return the region labels to draw.

    ``centres`` maps a region to its (longitude, latitude); regions missing from it
    are placed on a grid. Each label is ``{"text", "x", "y", "size", "region"}``.

    Examples
    --------
    >>> ns = [{"id": str(i), "region": "ab"[i % 2], "size": 10} for i in range(6)]
    >>> labels = region_layout(ns, {"a": (0.0, 0.0), "b": (0.0, 0.0)})
    >>> sorted(l["text"] for l in labels), all("x" in n and "y" in n for n in ns)
    (['a', 'b'], True)
    """
    by_region: dict[str, list[int]] = {}
    for i, n in enumerate(nodes):
        by_region.setdefault(str(n.get("region") or ""), []).append(i)
    regions = sorted(by_region, key=lambda r: (r == "", r))
    offsets, radii = [], []
    for r in regions:
        idx = sorted(by_region[r], key=lambda i: (-float(nodes[i].get("size") or 10), str(nodes[i]["id"])))
        by_region[r] = idx
        sizes = np.array([float(nodes[i].get("size") or 10) for i in idx])
        ox, oy, rad = _disc(sizes)
        offsets.append((ox, oy))
        radii.append(rad)
    rad = np.array(radii)
    known = [r for r in regions if r in centres and all(math.isfinite(v) for v in centres[r])]
    xy = np.zeros((len(regions), 2))
    if len(known) >= 2:
        ll = np.array([centres[r] for r in known], dtype=float)
        ll[:, 1] *= -1  # north up
        span = np.ptp(ll, axis=0)
        span[span == 0] = 1.0
        # scale so the discs' total area fills about 55 % of the box of the centres
        box = float(np.prod(span))
        scale = math.sqrt(float((math.pi * rad ** 2).sum()) / 0.55 / box)
        pos = {r: (ll[k] - ll.mean(axis=0)) * scale for k, r in enumerate(known)}
    else:
        pos = {}
    step = 2 * float(rad.max()) + _GAP if len(rad) else 1.0
    cols = max(1, math.ceil(math.sqrt(len(regions))))
    extent = max((abs(v).max() for v in pos.values()), default=0.0)
    for k, r in enumerate(regions):
        if r in pos:
            xy[k] = pos[r]
        elif r == "" and pos:  # national bodies: above the map
            xy[k] = (0.0, -extent - step)
        else:
            xy[k] = ((k % cols) * step, (k // cols) * step)
    xy = _separate(xy, rad)
    width = float(max(np.ptp(xy[:, 0] if len(xy) else [0]), np.ptp(xy[:, 1] if len(xy) else [0])) + 2 * rad.max()) \
        if len(rad) else 1.0
    floor = width / 60  # about 16 px on screen when the whole map is fitted
    labels = []
    for k, r in enumerate(regions):
        ox, oy = offsets[k]
        for j, i in enumerate(by_region[r]):
            nodes[i]["x"] = round(float(xy[k, 0] + ox[j]), 1)
            nodes[i]["y"] = round(float(xy[k, 1] + oy[j]), 1)
        labels.append({"text": r or NO_REGION, "region": r, "x": round(float(xy[k, 0]), 1),
                       "y": round(float(xy[k, 1] - rad[k] - 12), 1),
                       "size": round(max(floor, 14.0, min(rad[k] / 5, 2 * floor)), 1)})
    return labels
