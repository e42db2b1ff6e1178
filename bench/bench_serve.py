"""Benchmark the referral desk (``instnet serve``) on a dataset (the national one by default).

Starts ``instnet serve DATASET`` as a real server (uvicorn, a fresh SQLite log),
measures the start-up time (until ``/healthz`` answers) and the peak memory of
the server process (``VmHWM``), then drives it with ``--clients`` concurrent
clients (each with its own keep-alive connection) through three request kinds:

* ``GET /api/refer`` for existing clients (random needs of ``needs.csv``),
* ``GET /api/refer`` for walk-ins (random region and sector, a random broker
  or specialised centre as ``via``, a random service),
* ``GET /refer`` (the HTML referral page) for existing clients.

Each kind's requests run together (all clients busy with that kind) and
p50/p95 are taken over every request's wall time as the client saw it. Writes
a markdown table to ``--out``.

Run the national benchmark under the shared lock::

    flock /tmp/national.lock .venv/bin/python bench/bench_serve.py /tmp/gen1m
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import urlencode

import pyarrow.compute as pc
import pyarrow.csv as pacsv


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def start(dataset: str, folder: Path) -> tuple[subprocess.Popen, str, float, Path]:
    err = folder / "serve.stderr"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "instnet", "serve", dataset, "--port", "0",
                             "--log", str(folder / "log.sqlite")], stdout=subprocess.DEVNULL,
                            stderr=err.open("wb"), cwd=folder, env={**os.environ, "TERM": "dumb"})
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"instnet serve exited: {err.read_text()}")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", err.read_text(errors="replace"))
        if found:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", int(found.group(1)), timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return proc, found.group(1), time.perf_counter() - t0, err
            except OSError:
                pass  # not listening yet: try again after the pause below
        time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def drive(port: str, urls: list[str], clients: int) -> list[float]:
    todo: queue.Queue[str] = queue.Queue()
    for u in urls:
        todo.put(u)
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
        while True:
            try:
                url = todo.get_nowait()
            except queue.Empty:
                return
            t = time.perf_counter()
            conn.request("GET", url)
            r = conn.getresponse()
            r.read()
            dt = time.perf_counter() - t
            with lock:
                times.append(dt)
                if r.status != 200:
                    failures.append(f"{r.status} {url}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[:3]}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", nargs="?", default="/tmp/gen1m")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=400, help="requests of each kind")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("bench/results/serve.md"))
    args = ap.parse_args()
    if Path(args.dataset).exists():
        args.dataset = str(Path(args.dataset).resolve())
    rng = random.Random(args.seed)
    folder = Path(args.dataset)
    needs = pacsv.read_csv(folder / "needs.csv", convert_options=pacsv.ConvertOptions(
        include_columns=["actor", "service"], column_types={"actor": "string", "service": "string"}))
    actors = pacsv.read_csv(folder / "actors.csv", convert_options=pacsv.ConvertOptions(
        include_columns=["id", "kind", "region", "sector", "since", "until"],
        column_types={**{c: "string" for c in ("id", "kind", "region", "sector")},
                      "since": "int64", "until": "int64"}))
    # the desk analyses as of the data year: ask only about actors active in it (an actor
    # that closed before it is rightly a 400)
    year = tomllib.loads((folder / "ecosystem.toml").read_text(encoding="utf-8")).get("year")
    if year is not None:
        since, until = actors["since"], actors["until"]
        active = pc.and_(pc.fill_null(pc.less_equal(since, year), True),
                         pc.fill_null(pc.greater(until, year), True))  # until is exclusive
        actors = actors.filter(active)
        needs = needs.filter(pc.is_in(needs["actor"], value_set=actors["id"]))
    rows = [rng.randrange(needs.num_rows) for _ in range(args.requests)]
    pairs = [(needs["actor"][i].as_py(), needs["service"][i].as_py()) for i in rows]
    kinds = actors["kind"].to_pylist()
    ids = actors["id"].to_pylist()
    entry = [i for i, k in zip(ids, kinds) if k in ("broker", "specialized_centre")]
    regions = sorted({r for r in actors["region"].to_pylist() if r})
    sectors = sorted({s for s in actors["sector"].to_pylist() if s})
    services = sorted({p[1] for p in pairs})
    del needs, actors, kinds, ids
    refer_urls = ["/api/refer?" + urlencode({"actor": a, "service": s}) for a, s in pairs]
    walk_urls = ["/api/refer?" + urlencode({"region": rng.choice(regions), "sector": rng.choice(sectors),
                                             "via": rng.choice(entry), "service": rng.choice(services)})
                 for _ in range(args.requests)]
    page_urls = ["/refer?" + urlencode({"actor": a, "service": s}) for a, s in pairs]

    with tempfile.TemporaryDirectory(prefix="instnet-desk-benchmark-") as tmp:
        proc, port, startup, err = start(args.dataset, Path(tmp))
        try:
            start_mb = peak_mb(proc.pid)
            start_cpu = cpu_seconds(proc.pid)
            results = {}
            for name, urls in (("api_refer_existing", refer_urls), ("api_refer_walk_in", walk_urls),
                               ("html_refer_page", page_urls)):
                drive(port, urls[: max(20, len(urls) // 10)], args.clients)  # warm-up
                t, cpu = time.perf_counter(), cpu_seconds(proc.pid)
                times = drive(port, urls, args.clients)
                results[name] = (times, time.perf_counter() - t, cpu_seconds(proc.pid) - cpu)
            end_mb = peak_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)
    load = os.getloadavg()
    lines = [
        "# Benchmark: the referral desk (`instnet serve`)",
        "",
        f"Dataset `{args.dataset}`; {args.clients} concurrent clients, {args.requests} requests of each kind "
        f"(seed {args.seed}), after a warm-up of a tenth of them.",
        f"Command: `.venv/bin/python bench/bench_serve.py {' '.join(sys.argv[1:])}`",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"* start-up (process start to `/healthz` answering, read + analysis included): **{startup:.1f} s** "
        f"wall, {start_cpu:.1f} s CPU (aim: under 90 s)",
        f"* peak memory of the server (VmHWM): **{start_mb / 1024:.2f} GB** after start-up, "
        f"**{end_mb / 1024:.2f} GB** at the end (aim: under 6 GB)",
        "",
        "| request | p50 ms | p95 ms | max ms | requests/s | server CPU ms/request | aim (p95) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    aims = {"api_refer_existing": "100 ms", "api_refer_walk_in": "250 ms", "html_refer_page": "-"}
    for name, (times, wall, cpu) in results.items():
        ms = [t * 1000 for t in times]
        lines.append(f"| `{name}` | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} | "
                     f"{len(ms) / wall:.0f} | {cpu * 1000 / len(ms):.2f} | {aims[name]} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = args.out.read_text() if args.out.exists() else ""
    notes = previous[previous.index("## Notes"):] if "## Notes" in previous else ""
    args.out.write_text(text + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    main()
