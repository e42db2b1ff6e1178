// Benchmark baseline: LOAD CSV over needs.csv.
LOAD CSV WITH HEADERS FROM 'file:///needs.csv' AS row
CALL (row) {
  MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.actor})
  MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: row.service})
  CREATE (a)-[n:NEEDS]->(s)
  SET n.priority = toInteger(nullIf(row.priority, ''))
} IN TRANSACTIONS OF $batch ROWS
