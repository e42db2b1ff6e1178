// Benchmark baseline: the naive loader's needs, one MERGE per row.
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: $actor})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: $service})
MERGE (a)-[n:NEEDS]->(s)
SET n += $props
