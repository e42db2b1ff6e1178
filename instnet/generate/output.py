"""Writing a generated ecosystem as a dataset folder (DESIGN.md section 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import _, format_int
from ..schema import LINK_TYPES, SIZES
from .arrays import float_text, int_array, with_blank
from .spec import ACTOR_COLUMNS, ROLE_KIND, SERVICES, YEAR

if TYPE_CHECKING:
    from .builder import Builder


def write(gen: Builder, folder: Path) -> None:
    """Write the six files of the dataset folder."""
    rng = gen.rng
    I, N, E = gen.I, gen.N, gen.E
    ids = gen.all_ids()
    gen.say(_("writing ecosystem.toml, services.csv, offers.csv"))
    write_meta(gen, folder)
    services = pd.DataFrame({
        "id": gen.svc_ids(),
        "name": gen.svc_names,
        "category": [cat for _, cat in SERVICES],
    })
    _to_csv(services, folder / "services.csv")
    _to_csv(gen.offers, folder / "offers.csv")

    gen.say(_("writing {file} ({n} rows)").format(file="actors.csv", n=format_int(I + N + E)))
    regions = with_blank(gen.region_names)
    sectors = with_blank(gen.sector_names)
    sizes = with_blank(SIZES)
    kinds = np.array(ROLE_KIND, dtype=object)
    net_sector_label = [s.replace("_", " ") for s in gen.sector_names]
    net_names = [
        f"{net_sector_label[s]} network {gen.region_names[r]} {k:0{gen.net_id_width}d}"
        for k, (r, s) in enumerate(zip(gen.n_region.tolist(), gen.n_sector.tolist()), 1)
    ]
    ent_ids = ids[I + N:]
    ent_names = np.array(["Enterprise " + x[1:] for x in ent_ids], dtype=object)
    region_idx = np.concatenate([gen.inst_region, gen.n_region, gen.e_region])
    sector_idx = np.concatenate([gen.inst_sector, gen.n_sector, gen.e_sector])
    size_idx = np.concatenate([np.full(I + N, -1), gen.e_size])
    cap, has_cap = gen.inst_capacity
    since = np.concatenate([gen.inst_since, gen.n_since, gen.e_since])
    until = np.concatenate([gen.inst_until, gen.n_until, gen.e_until])
    private = np.concatenate([gen.inst_private, np.zeros(N, dtype=bool), gen.e_private])
    jitter = np.concatenate([np.full(I + N, 0.3), np.full(E, 0.4)])
    n_all = I + N + E
    lat = gen.region_lat[region_idx] + rng.normal(0.0, 1.0, n_all) * jitter
    lon = gen.region_lon[region_idx] + rng.normal(0.0, 1.0, n_all) * jitter
    actors = pd.DataFrame({
        "id": ids,
        "name": np.concatenate([
            np.array(gen.inst_names, dtype=object), np.array(net_names, dtype=object),
            ent_names,
        ]),
        "kind": np.concatenate([
            kinds[gen.role], np.full(N, "network", dtype=object),
            np.full(E, "enterprise", dtype=object),
        ]),
        "sector": sectors[sector_idx],
        "region": regions[region_idx],
        "size": sizes[size_idx],
        "capacity": int_array(np.concatenate([cap, np.zeros(N + E, dtype=np.int64)]),
                              np.concatenate([has_cap, np.zeros(N + E, dtype=bool)])),
        "since": int_array(since, since > 0),
        "until": int_array(until, until > 0),
        "private": np.where(private, "true", "false").astype(object),
        "lat": float_text(np.rint(lat * 1e4) / 1e4),
        "lon": float_text(np.rint(lon * 1e4) / 1e4),
        "description": np.concatenate([
            np.array(gen.inst_desc, dtype=object), np.full(N + E, "", dtype=object),
        ]),
    }, columns=list(ACTOR_COLUMNS))
    del ent_names, net_names
    _to_csv(actors, folder / "actors.csv")
    del actors

    actor, svc, prio = gen.needs
    gen.say(_("writing {file} ({n} rows)").format(file="needs.csv", n=format_int(actor.size)))
    needs = pd.DataFrame({
        "actor": ids[actor], "service": gen.svc_ids()[svc], "priority": prio,
    })
    _to_csv(needs, folder / "needs.csv")
    del needs

    n_links = sum(part.src.size for part in gen.link_parts)
    gen.say(_("writing {file} ({n} rows)").format(file="links.csv", n=format_int(n_links)))
    types = np.array(LINK_TYPES, dtype=object)
    header = True
    path = folder / "links.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for part in gen.link_parts:
            frame = pd.DataFrame({
                "source": ids[part.src],
                "target": ids[part.tgt],
                "type": types[part.type],
                "weight": float_text(part.weight),
                "since": part.since,
                "until": part.until,
            })
            frame.to_csv(fh, index=False, header=header, lineterminator="\n")
            header = False


def write_meta(gen: Builder, folder: Path) -> None:
    args = (f"--enterprises {gen.E} --institutions {gen.I} --seed {gen.seed} "
            f"--regions {gen.R} --sectors {gen.S}")
    meta = {
        "name": f"synthetic-e{gen.E}-i{gen.I}-s{gen.seed}",
        "country": "Synthetic",
        "year": YEAR,
        "description": (
            f"Synthetic national SME support ecosystem: {gen.E:,} enterprises, "
            f"{gen.N:,} networks and {gen.I:,} institutions in {gen.R} regions "
            f"and {gen.S} sectors, with hubs, local contact pools, scoped and "
            f"missing services (for benchmarks; not real data)."
        ),
        "source": f"synthetic, generated by instnet generate {args}",
    }
    lines = []
    for key, value in meta.items():
        lines.append(f"{key} = {value}" if isinstance(value, int) else
                     f"{key} = {_toml_string(value)}")
    (folder / "ecosystem.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
