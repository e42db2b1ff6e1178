// Benchmark baseline: the naive loader's services, one MERGE per row.
MERGE (s:Service {ecosystem: $ecosystem, version: $version, id: $id})
SET s += $props
