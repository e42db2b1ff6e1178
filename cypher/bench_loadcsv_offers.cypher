// Benchmark baseline: LOAD CSV over offers.csv.
LOAD CSV WITH HEADERS FROM 'file:///offers.csv' AS row
CALL (row) {
  MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.actor})
  MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: row.service})
  CREATE (a)-[o:OFFERS]->(s)
  SET o.regions = nullIf(row.regions, ''), o.sectors = nullIf(row.sectors, ''),
      o.capacity = toInteger(nullIf(row.capacity, '')), o.fee = nullIf(row.fee, ''),
      o.since = toInteger(nullIf(row.since, '')), o.until = toInteger(nullIf(row.until, ''))
} IN TRANSACTIONS OF $batch ROWS
