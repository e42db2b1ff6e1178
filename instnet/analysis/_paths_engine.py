"""Vectorised exact engine behind :func:`instnet.analysis.paths.best_paths` (docs/semantics.md).

Best paths of every need of a whole ecosystem (a million enterprises) on numpy
arrays, with no Python loop per need; rare near ties fall back to an exact
layered search over the need's hop-shortest paths. See the outline below and
docs/analysis.md.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ._paths_search import _KEEP_TOL, _best_of, _prune
from ..graph import coded_graph
from ..model import Ecosystem

log = logging.getLogger(__name__)


# At national scale (a million enterprises) one search per need is far too slow.
# Enterprises are path sources only and networks are entered only from
# enterprises, so after the first hop every path runs over the small graph of
# institutions. The engine works on whole arrays, for all needs at once:
#
# 1. Needs are grouped into *target classes* (service, providers whose scope
#    covers the actor); a class depends only on the service and the actor's
#    (region, sector) cell.
# 2. A backward breadth-first search from every class at once, bit-parallel
#    (one bit per class), over the *inner* nodes (those a referral can enter
#    from a non-enterprise, plus the providers) gives ``reach[r]``: the classes
#    within ``r`` hops of each inner node; ``dist(v, class)`` is the first such
#    ``r`` (an outer node, e.g. a network: 1 + the least over its links).
# 3. A need's hops = 1 + the least dist of its first hops; its candidate first
#    hops are those achieving it; the (first hop, class) pairs they need, and
#    every (node, class) pair one layer nearer the class below them, form the
#    demanded pairs, layer by layer.
# 4. A dynamic programme up the layers gives every demanded pair its best
#    suffix: the greatest strength, the smallest next node among the suffixes
#    within :data:`_KEEP_TOL` of it, the packed sequence of its link weights and
#    an *ambiguous* flag. Suffixes that close to the best with another weight
#    sequence might tie with it, or be ordered differently, once multiplied left
#    to right from the actor, so such a pair (and every need that could use it)
#    is ambiguous; suffixes with the same weight sequence multiply to the same
#    strength from anywhere, so the smaller ids win exactly; a suffix further
#    below can never end tied for first (ties: within ``TIE_TOL``, far smaller).
# 5. The same selection over each need's candidate first hops gives its path,
#    followed down the chosen next nodes; the strength is then multiplied left
#    to right along the path (bit for bit the definition's). Ambiguous needs,
#    rare, get the exact layered search over their hop-shortest paths.

#: 64-bit words of class bits gathered per pass of the bit-parallel search.
_WORDS_PER_PASS = 64

#: Demanded pairs expanded per pass (bounds the temporaries).
_KEYS_PER_PASS = 500_000

#: Bits of an int64 a packed weight sequence may use.
_SEQ_BITS = 62


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[starts[i], starts[i] + counts[i])``: (owner i, position) of every element."""
    owner = np.repeat(np.arange(len(starts)), counts)
    first = np.cumsum(counts) - counts
    pos = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - first, counts)
    return owner, pos


def _select(vals: np.ndarray, seqs: np.ndarray, amb: np.ndarray, group: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best candidate of each group (``group`` sorted, every group non-empty, ids 0..G-1).

    Returns the index of the chosen candidate per group (the first, in candidate
    order, within :data:`_KEEP_TOL` of the group's greatest value), whether the group
    is ambiguous (a candidate that close is itself ambiguous or has
    another weight sequence than the chosen one), and each group's first index.
    """
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    mx = np.maximum.reduceat(vals, starts)
    near = vals >= mx[group] * (1.0 - _KEEP_TOL)
    ni = np.flatnonzero(near)
    chosen = ni[np.r_[True, group[ni[1:]] != group[ni[:-1]]]]
    bad = near & (amb | (seqs != seqs[chosen][group]))
    return chosen, np.logical_or.reduceat(bad, starts), starts


def _strings(col: pd.Series) -> Any:
    """A column's values for a new frame of str columns (Arrow strings kept as they are)."""
    return col.array if isinstance(col.dtype, pd.StringDtype) else col.to_numpy(dtype=object)


def _target_classes(eco: Ecosystem, o_actor: np.ndarray, region: tuple[np.ndarray, Any],
                    sector: tuple[np.ndarray, Any], need_actor: np.ndarray, need_service: pd.Series,
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Class of every need (-1: no provider covers it) and the provider codes of each class.

    ``o_actor`` and ``need_actor`` are the codes of the offers' and needs' actors;
    ``region``/``sector`` are the actors' (by code) values as factorised
    ``(codes, uniques)``; ``need_service`` the needs' services.
    """
    need_class = np.full(len(need_actor), -1, dtype=np.int64)
    members: list[np.ndarray] = []
    if len(need_actor) == 0:
        return need_class, members
    (rcode, rvals), (scode, svals) = region, sector
    ns = len(svals) + 1
    cell_of_need, cell_keys = pd.factorize(rcode[need_actor].astype(np.int64) * ns + scode[need_actor])
    cell_reg = np.asarray(rvals, dtype=object)[cell_keys // ns]
    cell_sec = np.asarray(svals, dtype=object)[cell_keys % ns]
    every = np.ones(len(cell_keys), dtype=bool)
    covered: dict[tuple[int, str], np.ndarray] = {}

    def covers(which: int, text: str) -> np.ndarray:  # cells inside one scope cell's text
        got = covered.get((which, text))
        if got is None:
            sc = Ecosystem.scope(text)
            got = covered[(which, text)] = np.isin(cell_reg if which == 0 else cell_sec, list(sc)) if sc else every
        return got

    o = eco.offers
    o_service = o["service"].to_numpy(dtype=object)
    o_reg = o["regions"].to_numpy(dtype=object)
    o_sec = o["sectors"].to_numpy(dtype=object)
    class_of: dict[tuple[str, bytes], int] = {}
    svc_codes, svc_vals = pd.factorize(need_service)
    order = np.argsort(svc_codes, kind="stable")
    bounds = np.searchsorted(svc_codes[order], np.arange(len(svc_vals) + 1))
    for si, sv in enumerate(svc_vals):
        rows = order[bounds[si]:bounds[si + 1]]
        orows = np.flatnonzero(o_service == sv)
        if len(orows) == 0:
            continue
        ucells, inv = np.unique(cell_of_need[rows], return_inverse=True)
        cover = np.array([covers(0, o_reg[r])[ucells] & covers(1, o_sec[r])[ucells] for r in orows])
        uprov, pinv = np.unique(o_actor[orows], return_inverse=True)
        pcov = np.zeros((len(uprov), len(ucells)), dtype=bool)
        np.logical_or.at(pcov, pinv, cover)
        col_class = np.full(len(ucells), -1, dtype=np.int64)
        for j in range(len(ucells)):
            col = pcov[:, j]
            if col.any():
                key = (sv, np.packbits(col).tobytes())
                c = class_of.get(key)
                if c is None:
                    c = class_of[key] = len(members)
                    members.append(uprov[col])
                col_class[j] = c
        need_class[rows] = col_class[inv]
    return need_class, members


class _Reach:
    """Hops from nodes to target classes, by a bit-parallel backward search.

    ``bits[r][i, w]`` holds, for inner node ``i``, bit ``c % 64`` of word
    ``c // 64`` set when class ``c`` is within ``r`` hops.
    """

    def __init__(self, members: list[np.ndarray], H: int, rcode: np.ndarray, nodes: np.ndarray,
                 indptr: np.ndarray, dst_n: np.ndarray, ncode: np.ndarray):
        self.H, self.rcode, self.nodes, self.indptr, self.dst_n = H, rcode, nodes, indptr, dst_n
        nR = int(rcode.max()) + 1 if len(rcode) else 0
        nW = (len(members) + 63) // 64
        b0 = np.zeros((nR, nW), dtype=np.uint64)
        if members:
            mr = rcode[ncode[np.concatenate(members)]]
            mc = np.repeat(np.arange(len(members)), [len(m) for m in members])
            np.bitwise_or.at(b0, (mr, mc >> 6), np.left_shift(np.uint64(1), (mc & 63).astype(np.uint64)))
        self.bits = [b0]
        # links between inner nodes, by source
        rows_n = np.flatnonzero(rcode >= 0)
        src_a = nodes[rows_n]
        deg = indptr[src_a + 1] - indptr[src_a]
        own, e = _expand(indptr[src_a], deg)
        esrc, edst = rcode[rows_n][own], rcode[dst_n[e]]
        has = np.flatnonzero(deg > 0)
        starts = np.cumsum(deg) - deg
        for _ in range(1, H):
            prev = self.bits[-1]
            cur = prev.copy()
            if len(edst):
                for w0 in range(0, nW, _WORDS_PER_PASS):
                    w1 = min(w0 + _WORDS_PER_PASS, nW)
                    got = np.bitwise_or.reduceat(prev[edst, w0:w1], starts[has], axis=0)
                    cur[esrc[starts[has]], w0:w1] |= got
            self.bits.append(cur)
            if np.array_equal(cur, prev):
                break

    def _hit(self, r: int, rr: np.ndarray, w: np.ndarray, sh: np.ndarray) -> np.ndarray:
        return ((self.bits[min(r, len(self.bits) - 1)][rr, w] >> sh) & np.uint64(1)).astype(bool)

    def inner(self, rr: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Hops (``H`` or more: out of reach) from inner nodes ``rr`` to classes ``cols``."""
        w = cols >> 6
        sh = (cols & 63).astype(np.uint64)
        out = np.full(len(rr), self.H, dtype=np.int64)
        for r in range(len(self.bits) - 1, -1, -1):
            out[self._hit(r, rr, w, sh)] = r
        return out

    def exactly(self, rr: np.ndarray, cols: np.ndarray, r: int) -> np.ndarray:
        """Whether inner nodes ``rr`` are exactly ``r`` hops from classes ``cols``."""
        w = cols >> 6
        sh = (cols & 63).astype(np.uint64)
        if r >= len(self.bits):
            return np.zeros(len(rr), dtype=bool)
        hit = self._hit(r, rr, w, sh)
        if r > 0:
            hit &= ~self._hit(r - 1, rr, w, sh)
        return hit

    def __call__(self, xn: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Hops from N-graph nodes ``xn`` to classes ``cols`` (``H`` or more: out of reach)."""
        rr = self.rcode[xn]
        out = np.full(len(xn), self.H, dtype=np.int64)
        isr = rr >= 0
        out[isr] = self.inner(rr[isr], cols[isr])
        outer = np.flatnonzero(~isr)
        if len(outer):
            a = self.nodes[xn[outer]]
            deg = self.indptr[a + 1] - self.indptr[a]
            keep = deg > 0
            outer, a, deg = outer[keep], a[keep], deg[keep]
            if len(outer):
                own, e = _expand(self.indptr[a], deg)
                dd = self.inner(self.rcode[self.dst_n[e]], cols[outer][own])
                out[outer] = np.minimum.reduceat(dd, np.cumsum(deg) - deg) + 1
        return out


def _dag_best(a: int, top: int, j: int, reach: _Reach, indptr: np.ndarray, dst: np.ndarray,
              dst_n: np.ndarray, wt: np.ndarray) -> tuple[list[int], list[float]]:
    """Exact best path of one need over its hop-shortest paths (nodes, link weights).

    The layered search of :func:`instnet.analysis._paths_search._layered_search`, restricted to the links that
    step one layer nearer class ``j``; ``top`` is the distance of the first hop.
    """
    layer: dict[int, list[Any]] = {a: [(1.0, (a,))]}
    for r in range(top, -1, -1):
        nxt: dict[int, list[Any]] = {}
        for u, entries in layer.items():
            e0, e1 = int(indptr[u]), int(indptr[u + 1])
            sel = np.flatnonzero(reach(dst_n[e0:e1], np.full(e1 - e0, j, dtype=np.int64)) == r) + e0
            for x, w in zip(dst[sel].tolist(), wt[sel].tolist()):
                bucket = nxt.setdefault(x, [])
                for st, p in entries:
                    bucket.append((st * w, p + (x,)))
        layer = {x: _prune(v) for x, v in nxt.items()}
    _, path = _best_of([e for entries in layer.values() for e in entries])
    weights = []
    for u, x in zip(path[:-1], path[1:]):
        e0, e1 = int(indptr[u]), int(indptr[u + 1])
        weights.append(float(wt[e0 + int(np.searchsorted(dst[e0:e1], x))]))
    return list(path), weights


@dataclass(frozen=True)
class _Coded:
    """An ecosystem coded for the engine: ids as integers in id string order.

    ``src``/``dst``/``wt``: referral edges (none into an enterprise) sorted by
    (source, target), with ``indptr`` their CSR offsets by source code. The
    N-graph has every non-enterprise (``nodes``: N code -> actor code, ``ncode``
    the inverse, ``dst_n`` each edge's target N code); ``rcode`` numbers its
    inner nodes (-1 for the others). ``region``/``sector`` are the actors'
    values factorised as ``(codes by actor code, uniques)``.
    """

    ids_pa: Any
    need_actor: np.ndarray
    o_codes: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    wt: np.ndarray
    indptr: np.ndarray
    nodes: np.ndarray
    ncode: np.ndarray
    dst_n: np.ndarray
    rcode: np.ndarray
    region: tuple[np.ndarray, Any]
    sector: tuple[np.ndarray, Any]

    @property
    def n(self) -> int:
        return len(self.ids_pa)

    def classes(self, eco: Ecosystem, rows: np.ndarray | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Target class of the needs ``rows`` (all when None) and the providers of each class."""
        need_actor = self.need_actor if rows is None else self.need_actor[rows]
        service = eco.needs["service"] if rows is None else eco.needs["service"].iloc[rows]
        return _target_classes(eco, self.o_codes, self.region, self.sector, need_actor, service)


def _code(eco: Ecosystem) -> _Coded:
    """Code ``eco`` for the engine (see :class:`_Coded`)."""
    # the coded graph, renumbered in id string order, so comparing code tuples compares the id sequences
    g = coded_graph(eco)
    n, rank, a_order = g.n, g.rank, g.order
    ids_pa = g.id_strings.take(pa.array(a_order))
    need_actor = np.where(g.need_actor >= 0, rank[g.need_actor], -1)
    o_codes = np.where(g.offer_actor >= 0, rank[g.offer_actor], -1)
    is_ent = g.is_enterprise[a_order]
    src, dst, wt = rank[g.src], rank[g.dst], g.weight
    keep = ~is_ent[dst]  # never into an enterprise
    src, dst, wt = src[keep], dst[keep], wt[keep]
    # forward adjacency of all actors (CSR, targets in id order)
    order = np.lexsort((dst, src))
    src, dst, wt = src[order], dst[order], wt[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    indptr = np.cumsum(indptr)
    # N-graph: every non-enterprise; inner nodes: entered from a non-enterprise, or offering
    nodes = np.flatnonzero(~is_ent)
    ncode = np.full(n, -1, dtype=np.int64)
    ncode[nodes] = np.arange(len(nodes))
    dst_n = ncode[dst]
    inner = np.zeros(len(nodes), dtype=bool)
    inner[dst_n[~is_ent[src]]] = True
    inner[ncode[o_codes[o_codes >= 0]]] = True
    rcode = np.where(inner, np.cumsum(inner) - 1, -1)
    region = pd.factorize(eco.actors["region"], use_na_sentinel=False)
    sector = pd.factorize(eco.actors["sector"], use_na_sentinel=False)
    return _Coded(ids_pa=ids_pa, need_actor=need_actor, o_codes=o_codes, src=src, dst=dst, wt=wt,
                  indptr=indptr, nodes=nodes, ncode=ncode, dst_n=dst_n, rcode=rcode,
                  region=(region[0][a_order], region[1]), sector=(sector[0][a_order], sector[1]))


@dataclass(frozen=True)
class _Classes:
    """What a best-paths run leaves for the reasons of its unmet needs: the coded
    ecosystem, every need's target class (-1: none) and each class's providers."""

    coded: _Coded
    need_class: np.ndarray
    members: list[np.ndarray]


def _best_paths_fast(eco: Ecosystem, *, max_hops: int = 4, keep: bool = False,
                     ) -> pd.DataFrame | tuple[pd.DataFrame, _Classes]:
    """Best paths of every need; with ``keep``, also the :class:`_Classes` they were found with.

    Every computation of best paths runs here, and logs one line saying so.
    """
    began = time.perf_counter()
    needs = eco.needs
    H = int(max_hops)
    Q = len(needs)
    cd = _code(eco)
    ids_pa, n, need_actor = cd.ids_pa, cd.n, cd.need_actor
    dst, wt, indptr, nodes, dst_n, rcode = cd.dst, cd.wt, cd.indptr, cd.nodes, cd.dst_n, cd.rcode
    # weight sequences packed exactly into int64 when they fit (else every near tie is ambiguous)
    uw, wcode = np.unique(wt, return_inverse=True)
    bits = max(1, int(len(uw)).bit_length())
    packed = bits * H <= _SEQ_BITS
    wcode = wcode.astype(np.int64) + 1

    need_class, class_members = cd.classes(eco)
    C = max(1, len(class_members))
    reach = _Reach(class_members, H, rcode, nodes, indptr, dst_n, cd.ncode)

    P = np.full((Q, H + 1), -1, dtype=np.int64)  # path node codes
    W = np.ones((Q, H), dtype=np.float64)        # path link weights
    hops = np.zeros(Q, dtype=np.int64)
    served = np.zeros(Q, dtype=bool)

    # ---- 3. needs and their candidate first hops
    qs = np.flatnonzero(need_class >= 0)
    qa = need_actor[qs]
    deg = indptr[qa + 1] - indptr[qa]
    qs, qa, deg = qs[deg > 0], qa[deg > 0], deg[deg > 0]
    qj = need_class[qs]
    rn, e = _expand(indptr[qa], deg)
    dv = reach(dst_n[e], qj[rn])
    dmin = np.minimum.reduceat(dv, np.cumsum(deg) - deg) if len(qs) else np.zeros(0, dtype=np.int64)
    ok = dmin <= H - 1
    cand = ok[rn] & (dv == dmin[rn])
    ce, cn = e[cand], rn[cand]
    del rn, e, dv, cand
    if len(ce):
        ckey = dst_n[ce] * C + qj[cn]
        clev = dmin[cn]
        # demanded pairs, layer by layer (key = N code * C + class)
        pending: list[list[np.ndarray]] = [[ckey[clev == r]] for r in range(H)]
        table: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * H
        expansion: list[Any] = [None] * H
        for r in range(H - 1, -1, -1):
            keys = table[r] = np.unique(np.concatenate(pending[r]))
            if r == 0 or len(keys) == 0:
                continue
            parts = []
            for k0 in range(0, len(keys), _KEYS_PER_PASS):  # bounded temporaries
                kc = keys[k0:k0 + _KEYS_PER_PASS]
                un, uj = kc // C, kc % C
                ua = nodes[un]
                pe, ee = _expand(indptr[ua], indptr[ua + 1] - indptr[ua])
                xn = dst_n[ee]
                m = reach.exactly(rcode[xn], uj[pe], r - 1)
                pe, ee = pe[m], ee[m]
                parts.append((pe + k0, ee, xn[m] * C + uj[pe]))
            pe, ee, kk = (np.concatenate([p_[i] for p_ in parts]) for i in range(3))
            expansion[r] = (pe, ee, kk)
            pending[r - 1].append(kk)
        # ---- 4. best suffix of every demanded pair, up the layers
        val = [np.ones(len(table[0]))] + [np.zeros(0)] * (H - 1)
        seq = [np.zeros(len(table[0]), dtype=np.int64)] + [np.zeros(0, dtype=np.int64)] * (H - 1)
        amb = [np.zeros(len(table[0]), dtype=bool)] + [np.zeros(0, dtype=bool)] * (H - 1)
        nxt = [np.zeros(0, dtype=np.int64)] * H
        nxw = [np.zeros(0)] * H
        for r in range(1, H):
            if len(table[r]) == 0:
                continue
            pe, ee, kk = expansion[r]
            ci = np.searchsorted(table[r - 1], kk)
            cv = wt[ee] * val[r - 1][ci]
            cs = (wcode[ee] << (bits * (r - 1))) | seq[r - 1][ci] if packed else ee
            chosen, bad, _ = _select(cv, cs, amb[r - 1][ci], pe)
            val[r], seq[r], amb[r] = cv[chosen], cs[chosen], bad
            nxt[r], nxw[r] = kk[chosen] // C, wt[ee[chosen]]
        del expansion
        # ---- 5. each need's best first hop, then its path down the chosen nodes
        cv = np.empty(len(ce))
        cs = np.empty(len(ce), dtype=np.int64)
        ca = np.empty(len(ce), dtype=bool)
        for r in range(H):
            m = clev == r
            if not m.any():
                continue
            ci = np.searchsorted(table[r], ckey[m])
            cv[m] = wt[ce[m]] * val[r][ci]
            cs[m] = (wcode[ce[m]] << (bits * r)) | seq[r][ci] if packed else ce[m]
            ca[m] = amb[r][ci]
        grp = np.cumsum(np.r_[0, cn[1:] != cn[:-1]])
        chosen, bad, gstart = _select(cv, cs, ca, grp)
        gq = qs[cn[gstart]]  # the served needs
        served[gq] = True
        hops[gq] = clev[chosen] + 1
        for g in np.flatnonzero(bad):  # near ties of other weight sequences: exact search
            q = int(gq[g])
            path, weights = _dag_best(int(need_actor[q]), int(clev[chosen[g]]), int(need_class[q]),
                                      reach, indptr, dst, dst_n, wt)
            P[q, : len(path)] = path
            W[q, : len(weights)] = weights
        good = ~bad
        gq, chosen = gq[good], chosen[good]
        lev = clev[chosen]
        P[gq, 0] = need_actor[gq]
        P[gq, 1] = dst[ce[chosen]]
        W[gq, 0] = wt[ce[chosen]]
        cur, cj = dst_n[ce[chosen]], qj[cn[chosen]]
        for t in range(1, H):
            for r in range(1, H):
                m = lev == r
                if not m.any():
                    continue
                pos = np.searchsorted(table[r], cur[m] * C + cj[m])
                cur[m] = nxt[r][pos]
                P[gq[m], t + 1] = nodes[cur[m]]
                W[gq[m], t] = nxw[r][pos]
            lev = lev - 1
    # ---- strengths, left to right from 1.0 (the definition's product, bit for bit)
    strength = np.ones(Q)
    for t in range(H):
        m = t < hops
        strength[m] = strength[m] * W[m, t]
    strength[~served] = np.nan
    del W
    # ---- output columns: provider ids by an Arrow take, paths as tuples of id strings
    last = np.where(served, P[np.arange(Q), hops], n)
    provider = pd.array(pa.concat_arrays([ids_pa, pa.array([""], type=ids_pa.type)]).take(pa.array(last)),
                        dtype="str")
    ids_arr = ids_pa.to_numpy(zero_copy_only=False)
    paths = np.fromiter((() for _ in range(Q)), dtype=object, count=Q)
    for h in range(1, H + 1):
        rows = np.flatnonzero(served & (hops == h))
        if len(rows):
            cols = [ids_arr[P[rows, c]] for c in range(h + 1)]
            paths[rows] = np.fromiter(zip(*cols), dtype=object, count=len(rows))
    frame = pd.DataFrame({
        "actor": _strings(needs["actor"]),
        "service": _strings(needs["service"]),
        "served": served,
        "provider": provider,
        "hops": pd.arrays.IntegerArray(np.where(served, hops, 0), ~served),
        "strength": strength,
        "path": paths,
    }, index=needs.index)
    log.info("best paths of %d needs within %d hops in %.2f s", Q, H, time.perf_counter() - began)
    return (frame, _Classes(cd, need_class, class_members)) if keep else frame
