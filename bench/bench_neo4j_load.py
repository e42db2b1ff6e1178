"""Benchmark: instnet's Neo4j load against two baselines on the same server.

    .venv/bin/python bench/bench_neo4j_load.py [DATASET] [--naive-rows N] [--repeats R]

DATASET defaults to /tmp/gen1m (generated with 1,000,000 enterprises and 10,000
institutions if missing). One bundled server (``instnet.neo4j.server``) runs all
three loaders, one after the other, each into its own ecosystem key:

* instnet: :func:`instnet.neo4j.load.load_ecosystem` on the whole dataset;
* naive: one ``MERGE`` per row, one transaction per row, on a sample of actors,
  services and needs (``--naive-rows`` each), repeated ``--repeats`` times;
* LOAD CSV: Neo4j's own ``LOAD CSV ... CALL {...} IN TRANSACTIONS`` over the same
  files, copied into the server's import folder.

Prints nodes/s and relationships/s (medians where repeated) and the ratios, and
writes them to bench/results/neo4j_load.md.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from instnet.neo4j import server  # noqa: E402
from instnet.neo4j.connection import Connection  # noqa: E402
from instnet.neo4j.load import ensure_schema, load_ecosystem  # noqa: E402
from instnet.neo4j.queries import query  # noqa: E402
from instnet.io.read import read_dataset  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "neo4j_load.md"
STATE = Path(os.environ.get("INSTNET_BENCH_NEO4J", "/tmp/instnet-bench-neo4j"))


def _props(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "":
            continue
        out[k] = v.item() if hasattr(v, "item") else v
    return out


def naive(conn: Connection, eco, rows: int, run: int) -> tuple[float, float]:
    """One MERGE per row in its own transaction: (nodes/s, relationships/s)."""
    key = {"ecosystem": "bench-naive", "version": f"run{run}"}
    needs = eco.needs.iloc[:rows]
    # the actors of the sampled needs, topped up to ``rows`` actors
    wanted = pd.Index(pd.unique(needs["actor"]))
    extra = eco.actors.index.difference(wanted)[:max(0, rows - len(wanted))]
    actors = eco.actors.loc[wanted.append(extra)]
    services = eco.services
    t = time.perf_counter()
    for ident, row in zip(actors.index, actors.to_dict("records")):
        conn.run(query("bench_naive_actor"), {**key, "id": ident, "props": _props(row)})
    for ident, row in zip(services.index, services.to_dict("records")):
        conn.run(query("bench_naive_service"), {**key, "id": ident, "props": _props(row)})
    node_s = (len(actors) + len(services)) / (time.perf_counter() - t)
    t = time.perf_counter()
    for row in needs.to_dict("records"):
        conn.run(query("bench_naive_need"), {**key, "actor": row["actor"], "service": row["service"],
                                             "props": _props({"priority": row["priority"]})})
    rel_s = len(needs) / (time.perf_counter() - t)
    return node_s, rel_s


def load_csv(conn: Connection, folder: Path, info: server.ServerInfo, batch: int) -> tuple[float, float, dict]:
    for name in ("actors", "services", "offers", "needs", "links"):
        shutil.copy(folder / f"{name}.csv", info.import_dir / f"{name}.csv")
    key = {"ecosystem": "bench-loadcsv", "version": "csv", "batch": batch}
    times = {}
    with conn.driver.session(database=conn.settings.database) as session:
        for name in ("actors", "services", "offers", "needs", "links"):
            t = time.perf_counter()
            session.run(query(f"bench_loadcsv_{name}"), key).consume()
            times[name] = time.perf_counter() - t
            logging.info("LOAD CSV %s: %.1f s", name, times[name])
    return times["actors"] + times["services"], times["offers"] + times["needs"] + times["links"], times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", nargs="?", default="/tmp/gen1m")
    parser.add_argument("--naive-rows", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    folder = Path(args.dataset)
    if not (folder / "actors.csv").is_file():
        from instnet.generate import generate

        generate(folder, enterprises=1_000_000, institutions=10_000, seed=1)
    t = time.perf_counter()
    eco = read_dataset(folder)
    logging.info("read %s in %.1f s", folder, time.perf_counter() - t)
    nodes = len(eco.actors) + len(eco.services)
    rels = len(eco.offers) + len(eco.needs) + len(eco.links)

    server.stop(state_dir=STATE)
    shutil.rmtree(STATE, ignore_errors=True)
    info = server.start(state_dir=STATE, heap=args.heap, pagecache=args.pagecache)
    lines = []
    try:
        with Connection(info.settings, max_retry_time=30) as conn:
            ensure_schema(conn)
            naive_runs = [naive(conn, eco, args.naive_rows, r) for r in range(args.repeats)]
            naive_nodes = statistics.median(r[0] for r in naive_runs)
            naive_rels = statistics.median(r[1] for r in naive_runs)
            logging.info("naive: %.0f nodes/s, %.0f rels/s", naive_nodes, naive_rels)

            phase = {}

            def progress(step: str, done: int, total: int) -> None:
                now = time.perf_counter()
                kind = "nodes" if step.startswith(("actors", "services")) else "rels"
                phase.setdefault(kind + "_start", phase.get("last", now))
                phase[kind + "_end"] = now
                phase["last"] = now

            phase["last"] = time.perf_counter()
            result = load_ecosystem(eco, ecosystem="bench-instnet", connection=conn, replace=True,
                                    batch_size=args.batch, progress=progress)
            ours_nodes = nodes / (phase["nodes_end"] - phase["nodes_start"])
            ours_rels = rels / (phase["rels_end"] - phase["rels_start"])
            logging.info("instnet: %.0f nodes/s, %.0f rels/s (total %.1f s)", ours_nodes, ours_rels,
                         result.seconds)

            csv_node_t, csv_rel_t, csv_times = load_csv(conn, folder, info, args.batch)
            csv_nodes, csv_rels = nodes / csv_node_t, rels / csv_rel_t
            logging.info("LOAD CSV: %.0f nodes/s, %.0f rels/s", csv_nodes, csv_rels)
    finally:
        server.stop(state_dir=STATE)

    lines = [
        "# Neo4j load benchmark",
        "",
        f"Dataset `{folder}`: {nodes:,} nodes ({len(eco.actors):,} actors, {len(eco.services)} services), "
        f"{rels:,} relationships ({len(eco.offers):,} offers, {len(eco.needs):,} needs, "
        f"{len(eco.links):,} links).",
        f"Server: bundled Neo4j {info.version}, heap {args.heap}, page cache {args.pagecache}; "
        f"{os.cpu_count()} cores, {platform.platform()}. Batches of {args.batch} rows.",
        "",
        "| loader | nodes/s | relationships/s |",
        "|---|---:|---:|",
        f"| instnet `load_ecosystem` (whole dataset) | {ours_nodes:,.0f} | {ours_rels:,.0f} |",
        f"| naive, one MERGE per row (median of {args.repeats} samples of {args.naive_rows} rows) "
        f"| {naive_nodes:,.0f} | {naive_rels:,.0f} |",
        f"| LOAD CSV + CALL IN TRANSACTIONS (whole dataset) | {csv_nodes:,.0f} | {csv_rels:,.0f} |",
        "",
        f"instnet / naive: nodes {ours_nodes / naive_nodes:.1f}x, relationships {ours_rels / naive_rels:.1f}x "
        "(goal >= 10x).",
        f"instnet / LOAD CSV: nodes {ours_nodes / csv_nodes:.2f}, relationships {ours_rels / csv_rels:.2f} "
        "(goal >= 0.5).",
        f"instnet total (validate-free load incl. schema, staging check, commit and clean-up): "
        f"{result.seconds:.0f} s; LOAD CSV per file: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in csv_times.items()) + ".",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
