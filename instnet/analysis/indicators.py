"""Network evaluation indicators, overall and per region and per sector.

Every indicator has a one-line definition in :data:`DEFINITIONS` (and in
docs/indicators.md). :func:`indicators` returns one row per scope (``overall``,
each region, each sector); :func:`panel` packs that for ``instnet info`` and the
report, :func:`render` prints it.

Group membership: an enterprise, network or need belongs to a region/sector
group by the (needing) actor's ``region``/``sector``; an institution by its own
``region``/``sector``; a link by both its ends (the institution graph of a
group is the subgraph induced by the group's institutions). Actors with an
empty region (sector) form no region (sector) group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from ..graph import referral_edges
from .load import load as load_of
from ..model import Ecosystem
from .paths import best_paths
from ..i18n import N_, _, format_decimal
from ..labels import label
from ..schema import INSTITUTION_KINDS

__all__ = ["DEFINITIONS", "INDICATORS", "indicators", "panel", "render", "freeman_centralisation",
           "fragmentation", "FRAGMENTATION_SAMPLE"]

#: Indicator -> one-line definition (docs/indicators.md repeats these).
DEFINITIONS: Mapping[str, str] = {
    "needs": N_("Number of needs (of enterprises and networks) in the group."),
    "coverage": N_("Served needs / needs (1.0 when there are no needs)."),
    "avg_hops": N_("Mean number of links of the best paths of served needs (NaN when none is served)."),
    "network_share": N_("Share of enterprises with a member_of link to a network."),
    "brokers_per_100": N_("Actors of kind broker per 100 enterprises."),
    "institutions_per_100": N_("Institutions (every kind but enterprise and network) per 100 enterprises."),
    "density": N_("Density of the undirected institution graph (institutions joined where a referral "
               "channel runs): 2m / (n(n-1)); 0 with fewer than 2 institutions."),
    "centralisation": N_("Freeman degree centralisation of that graph: sum over nodes of (max degree - degree) "
                      "/ ((n-1)(n-2)); 1 for a star, 0 for a regular graph or n < 3."),
    "fragmentation": N_("Share of (enterprise, provider) pairs - the provider offers a service the enterprise "
                     "needs with a scope covering it - with no referral path of any length between them "
                     "(exact up to 2,000 enterprises with needs, else a uniform sample of 2,000, seed 0)."),
    "links_per_institution": N_("Links (every type, rows of links.csv) with an institution at both ends, "
                             "per institution."),
    "top1_load_share": N_("Load of the most loaded institution / total load of all institutions "
                       "(load: served needs whose best path passes through or ends at it)."),
    "top5_load_share": N_("Load of the five most loaded institutions / total load of all institutions."),
    "supplies_share": N_("supplies links / links with an enterprise at either end (the paper's integration "
                      "level)."),
}
INDICATORS = tuple(DEFINITIONS)

#: Enterprises sampled for fragmentation on large ecosystems.
FRAGMENTATION_SAMPLE = 2000


def freeman_centralisation(G: nx.Graph) -> float:
    """Freeman degree centralisation of an undirected graph.

    ``sum(max_deg - deg) / ((n - 1) * (n - 2))``, the star's value being 1.

    Examples
    --------
    >>> freeman_centralisation(nx.star_graph(4))
    1.0
    >>> freeman_centralisation(nx.cycle_graph(5))
    0.0
    """
    n = G.number_of_nodes()
    if n < 3:
        return 0.0
    deg = np.array([d for _, d in G.degree()], dtype=float)
    return float((deg.max() - deg).sum() / ((n - 1) * (n - 2)))


def _density(G: nx.Graph) -> float:
    n = G.number_of_nodes()
    return 0.0 if n < 2 else 2.0 * G.number_of_edges() / (n * (n - 1))


def fragmentation(eco: Ecosystem, *, sample: int = FRAGMENTATION_SAMPLE, seed: int = 0) -> pd.DataFrame:
    """Per (enterprise, provider) pair of :data:`DEFINITIONS` ``fragmentation``: is there a path?

    Returns a frame with ``enterprise``, ``provider``, ``connected`` (bool); on
    ecosystems with more than ``sample`` enterprises with needs, only the pairs of
    a uniform random sample of them (``numpy.random.default_rng(seed)``).
    """
    a = eco.actors
    kind = a["kind"]
    ent_needs = eco.needs[eco.needs["actor"].map(kind).to_numpy() == "enterprise"]
    ents = pd.unique(ent_needs["actor"].to_numpy())
    if len(ents) > sample:
        rng = np.random.default_rng(seed)
        ents = np.sort(rng.choice(ents, size=sample, replace=False))
        ent_needs = ent_needs[ent_needs["actor"].isin(ents).to_numpy()]
    # valid (enterprise, provider) pairs
    o = eco.offers
    reg = a["region"]
    sec = a["sector"]
    pairs = ent_needs[["actor", "service"]].drop_duplicates().merge(
        o[["actor", "service", "regions", "sectors"]].rename(columns={"actor": "provider"}), on="service")
    if pairs.empty:
        return pd.DataFrame({"enterprise": pd.Series([], dtype=str), "provider": pd.Series([], dtype=str),
                             "connected": pd.Series([], dtype=bool)})
    r = reg.reindex(pairs["actor"]).to_numpy()
    x = sec.reindex(pairs["actor"]).to_numpy()
    ok = np.fromiter(((not Ecosystem.scope(rs) or ri in Ecosystem.scope(rs)) and
                      (not Ecosystem.scope(xs) or xi in Ecosystem.scope(xs))
                      for rs, xs, ri, xi in zip(pairs["regions"].to_numpy(), pairs["sectors"].to_numpy(), r, x)),
                     bool, len(pairs))
    pairs = pairs[ok][["actor", "provider"]].drop_duplicates()
    # reachability: directed referral graph, never through an enterprise
    edges = referral_edges(eco)
    ids = a.index
    pos = pd.Series(np.arange(len(ids)), index=ids)
    is_ent = (kind == "enterprise").to_numpy()
    s = pos.reindex(edges["source"]).to_numpy()
    t = pos.reindex(edges["target"]).to_numpy()
    keep = ~is_ent[t]
    mat = csr_matrix((np.ones(int(keep.sum())), (s[keep], t[keep])), shape=(len(ids), len(ids)))
    ent_col, prov_col, connected = [], [], []
    for ent, grp in pairs.groupby("actor", sort=True):
        reach = breadth_first_order(mat, int(pos[ent]), directed=True, return_predecessors=False)
        reached = set(ids[reach])
        provs = grp["provider"].to_numpy()
        ent_col.extend([ent] * len(provs))
        prov_col.extend(provs)
        connected.extend(p in reached for p in provs)
    return pd.DataFrame({"enterprise": pd.Series(ent_col, dtype=str), "provider": pd.Series(prov_col, dtype=str),
                         "connected": np.asarray(connected, dtype=bool)})


def indicators(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None,
               fragmentation_sample: int = FRAGMENTATION_SAMPLE) -> pd.DataFrame:
    """Every indicator of :data:`DEFINITIONS` for each scope.

    Parameters
    ----------
    eco : Ecosystem
        The ecosystem (apply :meth:`Ecosystem.as_of` first for a given year).
    max_hops : int, default 4
        Longest referral path, in links.
    paths : DataFrame, optional
        Precomputed :func:`instnet.analysis.paths.best_paths` ``(eco, max_hops=...)``.
    fragmentation_sample : int
        Institutions sampled for the fragmentation indicator.

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` (``overall``, ``region`` or ``sector``), ``group``
        (``""`` for overall) and one column per indicator.

    Examples
    --------
    >>> from instnet import read_dataset
    >>> table = indicators(read_dataset("jamaica"))
    >>> table.iloc[0]["scope"], bool(0 < table.iloc[0]["coverage"] < 1)
    ('overall', True)
    """
    if paths is None:
        paths = best_paths(eco, max_hops=max_hops)
    a = eco.actors
    kind = a["kind"]
    is_inst = kind.isin(INSTITUTION_KINDS)
    frag = fragmentation(eco, sample=fragmentation_sample)
    links = eco.links
    ends_kind_s = links["source"].map(kind).to_numpy()
    ends_kind_t = links["target"].map(kind).to_numpy()
    inst_kinds = np.array(sorted(INSTITUTION_KINDS))
    inst_link = np.isin(ends_kind_s, inst_kinds) & np.isin(ends_kind_t, inst_kinds)
    ent_link = (ends_kind_s == "enterprise") | (ends_kind_t == "enterprise")
    supplies = links["type"].to_numpy() == "supplies"
    members = set(links.loc[(links["type"].to_numpy() == "member_of")
                            & (links["target"].map(kind).to_numpy() == "network"), "source"])
    # undirected institution graph (referral channels between institutions)
    edges = referral_edges(eco)
    inst_ids = a.index[is_inst.to_numpy()]
    G = nx.Graph()
    G.add_nodes_from(inst_ids)
    e_inst = edges["source"].isin(inst_ids).to_numpy() & edges["target"].isin(inst_ids).to_numpy()
    G.add_edges_from(zip(edges["source"].to_numpy()[e_inst], edges["target"].to_numpy()[e_inst]))
    need_actor = paths["actor"].to_numpy()

    def row(scope: str, group: str, col: str | None) -> dict[str, Any]:
        if col is None:
            in_group = pd.Series(True, index=a.index)
        else:
            in_group = a[col] == group
        ent = a.index[((kind == "enterprise") & in_group).to_numpy()]
        inst = a.index[(is_inst & in_group).to_numpy()]
        brokers = int(((kind == "broker") & in_group).sum())
        need_mask = in_group.reindex(need_actor).to_numpy(dtype=bool)
        p = paths[need_mask]
        served = p["served"].to_numpy(dtype=bool)
        hops = p["hops"][served].astype("float64")
        n_ent = len(ent)
        Gs = G if col is None else G.subgraph(inst)
        grp_links = inst_link if col is None else (
            inst_link & links["source"].isin(inst).to_numpy() & links["target"].isin(inst).to_numpy())
        e_mask = ent_link if col is None else (
            ent_link & (links["source"].isin(ent).to_numpy() | links["target"].isin(ent).to_numpy()))
        ld = load_of(eco, paths=p)["load"].sort_values(ascending=False)
        total = float(ld.sum())
        fr = frag if col is None else frag[frag["enterprise"].isin(ent).to_numpy()]
        return {
            "scope": scope, "group": group,
            "needs": int(len(p)),
            "coverage": float(served.mean()) if len(p) else 1.0,
            "avg_hops": float(hops.mean()) if len(hops) else math.nan,
            "network_share": (sum(e in members for e in ent) / n_ent) if n_ent else math.nan,
            "brokers_per_100": 100.0 * brokers / n_ent if n_ent else math.nan,
            "institutions_per_100": 100.0 * len(inst) / n_ent if n_ent else math.nan,
            "density": _density(Gs),
            "centralisation": freeman_centralisation(Gs),
            "fragmentation": float((~fr["connected"].to_numpy()).mean()) if len(fr) else math.nan,
            "links_per_institution": float(grp_links.sum()) / len(inst) if len(inst) else math.nan,
            "top1_load_share": float(ld.iloc[:1].sum()) / total if total else math.nan,
            "top5_load_share": float(ld.iloc[:5].sum()) / total if total else math.nan,
            "supplies_share": float((supplies & e_mask).sum()) / float(e_mask.sum()) if e_mask.sum() else math.nan,
        }

    rows = [row("overall", "", None)]
    for col in ("region", "sector"):
        for g in sorted(set(a[col].to_numpy()) - {""}):
            rows.append(row(col, str(g), col))
    return pd.DataFrame(rows, columns=["scope", "group", *INDICATORS])


def _clean(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def panel(eco: Ecosystem, *, max_hops: int = 4, paths: pd.DataFrame | None = None,
          table: pd.DataFrame | None = None) -> dict[str, Any]:
    """The indicators panel as plain data (JSON-ready; NaN becomes None).

    ``{"max_hops", "overall": {indicator: value}, "regions": {region: {...}},
    "sectors": {sector: {...}}, "definitions": {indicator: text}}``; ``table``
    is a precomputed :func:`indicators` frame.
    """
    t = indicators(eco, max_hops=max_hops, paths=paths) if table is None else table

    def rec(r: pd.Series) -> dict[str, Any]:
        return {k: _clean(r[k]) for k in INDICATORS}

    overall = t[t["scope"] == "overall"].iloc[0]
    return {
        "max_hops": max_hops,
        "overall": rec(overall),
        "regions": {r["group"]: rec(r) for _, r in t[t["scope"] == "region"].iterrows()},
        "sectors": {r["group"]: rec(r) for _, r in t[t["scope"] == "sector"].iterrows()},
        "definitions": dict(DEFINITIONS),
    }


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return format_decimal(v, 3)
    return str(v)


_SHORT = {"needs": N_("needs"), "coverage": N_("cover"), "avg_hops": N_("hops"), "network_share": N_("in net"),
          "brokers_per_100": N_("brk/100"), "institutions_per_100": N_("inst/100"), "density": N_("density"),
          "centralisation": N_("central"), "fragmentation": N_("frag"), "links_per_institution": N_("links/inst"),
          "top1_load_share": N_("top1"), "top5_load_share": N_("top5"), "supplies_share": N_("supplies")}


#: The indicators shown per region and sector on a terminal (JSON has them all).
_GROUP_COLUMNS = ("needs", "coverage", "avg_hops", "network_share", "institutions_per_100", "fragmentation")


def render(console: Any, panel: Mapping[str, Any]) -> None:
    """Print ``panel`` (from :func:`panel`) on a rich console: overall, then per region and sector."""
    from rich.table import Table
    from rich.text import Text  # names are data, never markup

    t = Table(title=_("Network evaluation indicators"), title_justify="left")
    t.add_column(_("indicator"))
    t.add_column(_("overall"), justify="right")
    for k in INDICATORS:
        t.add_row(label("indicator", k), _fmt(panel["overall"].get(k)))
    console.print(t)
    for key, title in (("regions", _("By region")), ("sectors", _("By sector"))):
        groups = panel.get(key) or {}
        if not groups:
            continue
        g = Table(title=_("{title} (all indicators: --format json)").format(title=title), title_justify="left")
        g.add_column(_("region") if key == "regions" else _("sector"))
        for k in _GROUP_COLUMNS:
            g.add_column(_(_SHORT[k]), justify="right")
        for name, vals in groups.items():
            g.add_row(Text(str(name)), *(_fmt(vals.get(k)) for k in _GROUP_COLUMNS))
        console.print(g)
