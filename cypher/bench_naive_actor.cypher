// Benchmark baseline (bench/bench_neo4j_load.py): the naive loader, one MERGE per row,
// one transaction per row.
MERGE (a:Actor {ecosystem: $ecosystem, version: $version, id: $id})
SET a += $props
