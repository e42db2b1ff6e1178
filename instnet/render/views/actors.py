"""The one allow-list of actor fields every output uses (the map, GraphML, GEXF, JSON)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...model import Ecosystem
from ...schema import INSTITUTION_KINDS
from ...analysis.core import Analysis
from ..privacy import display_ids, display_names


def actor_frame(eco: Ecosystem, analysis: Analysis | None = None, *, include_private: bool = False) -> pd.DataFrame:
    """The allow-listed attributes and analysis results of every actor.

    Index: the actor's display id. Columns: ``actor`` (the real id, for internal
    joins; drop before output), ``label``, ``kind``, ``region``, ``sector``, ``size``,
    ``capacity``, ``description``, ``lat``, ``lon``, ``private``, ``offers`` and
    ``needs`` (tuples of service ids), and where analysed ``needs_served``,
    ``needs_unmet``, ``coverage``, ``unmet_services``, ``impact``, ``load``,
    ``utilisation``, ``betweenness``, ``articulation``. A private actor's label is
    its kind and ``(private)``; its description and coordinates are blank.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> f = actor_frame(read_dataset("jamaica"))
    >>> f.loc["jampro", "kind"]
    'policy_body'
    """
    a = eco.actors
    disp = display_ids(eco, include_private=include_private)
    private = a["private"].to_numpy(dtype=bool)
    hide = private & (not include_private)
    label = display_names(eco, include_private=include_private).to_numpy(dtype=object)
    frame = pd.DataFrame({
        "actor": a.index.to_numpy(dtype=object),
        "label": label,
        "kind": a["kind"].to_numpy(dtype=object),
        "region": a["region"].to_numpy(dtype=object),
        "sector": a["sector"].to_numpy(dtype=object),
        "size": a["size"].to_numpy(dtype=object),
        "capacity": a["capacity"].to_numpy(),
        "description": np.where(hide, "", a["description"].to_numpy(dtype=object)),
        "lat": np.where(hide, np.nan, a["lat"].to_numpy(dtype=float)),
        "lon": np.where(hide, np.nan, a["lon"].to_numpy(dtype=float)),
        "private": private,
    }, index=pd.Index(disp.to_numpy(dtype=object), name="id"))
    frame["capacity"] = frame["capacity"].astype("Int64")
    frame["offers"] = service_tuples(a.index, eco.offers["actor"], eco.offers["service"])
    frame["needs"] = service_tuples(a.index, eco.needs["actor"], eco.needs["service"])
    if analysis is None:
        return frame
    p = analysis.paths
    served = p["served"].to_numpy(dtype=bool)
    n_needs = p.groupby("actor", sort=False).size()
    n_served = pd.Series(served, index=p.index).groupby(p["actor"].to_numpy(), sort=False).sum()
    frame["needs_served"] = frame["actor"].map(n_served).fillna(0).astype("int64")
    total = frame["actor"].map(n_needs).fillna(0).astype("int64")
    frame["needs_unmet"] = total - frame["needs_served"]
    frame["coverage"] = np.where(total > 0, frame["needs_served"] / total.where(total > 0, 1), np.nan)
    frame["unmet_services"] = service_tuples(a.index, p.loc[~served, "actor"], p.loc[~served, "service"])
    inst = analysis.bottlenecks
    for col in ("impact", "load", "utilisation", "betweenness", "articulation"):
        frame[col] = frame["actor"].map(inst[col])
    is_inst = frame["kind"].isin(INSTITUTION_KINDS).to_numpy()
    frame["load"] = np.where(is_inst, frame["load"].astype("float64").fillna(0.0), np.nan)
    return frame


def service_tuples(actors: pd.Index, actor: pd.Series, service: pd.Series) -> list[tuple]:
    """Per actor of ``actors`` (in order), the sorted distinct services of the (actor, service) rows.

    Vectorised (one sort, one split): a groupby with a Python function per actor
    took minutes with a million enterprises.

    Examples
    --------
    >>> service_tuples(pd.Index(["a", "b", "c"]), pd.Series(["b", "a", "b", "b"]), pd.Series(["y", "x", "x", "y"]))
    [('x',), ('x', 'y'), ()]
    """
    out: list[tuple] = [()] * len(actors)
    if not len(actor):
        return out
    code = actors.get_indexer(pd.Index(actor.to_numpy(dtype=object)))
    scode, names = pd.factorize(pd.Series(service.to_numpy(dtype=object)).astype(str), sort=True)
    keep = code >= 0
    code, svc = code[keep], scode[keep]
    order = np.lexsort((svc, code))
    code, svc = code[order], svc[order]
    distinct = np.ones(len(code), dtype=bool)
    distinct[1:] = (code[1:] != code[:-1]) | (svc[1:] != svc[:-1])
    code, svc = code[distinct], svc[distinct]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    ends = np.r_[starts[1:], len(code)]
    svc_list = np.asarray(names, dtype=object)[svc].tolist()
    for c, s, e in zip(code[starts].tolist(), starts.tolist(), ends.tolist()):
        out[c] = tuple(svc_list[s:e])
    return out


def display_name(eco: Ecosystem) -> str:
    """The name a reader sees: the ecosystem's own name, else its country.

    A name that only repeats the country (``jamaica`` in Jamaica) gives way to the
    country's spelling.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> display_name(read_dataset("jamaica"))
    'Jamaica'
    """
    name = str(eco.meta.get("name") or "").strip()
    country = str(eco.meta.get("country") or "").strip()
    if name and name.casefold() != country.casefold():
        return name
    return country or eco.name
