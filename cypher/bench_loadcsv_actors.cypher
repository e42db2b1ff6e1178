// Benchmark baseline: Neo4j's own LOAD CSV over actors.csv in the server's import
// folder, in transactions of $batch rows (run in an implicit transaction).
LOAD CSV WITH HEADERS FROM 'file:///actors.csv' AS row
CALL (row) {
  CREATE (a:Actor {ecosystem: $ecosystem, version: $version, id: row.id})
  SET a.name = row.name, a.kind = row.kind, a.sector = nullIf(row.sector, ''),
      a.region = nullIf(row.region, ''), a.size = nullIf(row.size, ''),
      a.capacity = toInteger(nullIf(row.capacity, '')), a.since = toInteger(nullIf(row.since, '')),
      a.until = toInteger(nullIf(row.until, '')), a.private = row.private = 'true',
      a.lat = toFloat(nullIf(row.lat, '')), a.lon = toFloat(nullIf(row.lon, '')),
      a.description = nullIf(row.description, '')
  FOREACH (_ IN CASE WHEN row.kind = 'enterprise' THEN [1] ELSE [] END | SET a:Enterprise)
  FOREACH (_ IN CASE WHEN row.kind = 'network' THEN [1] ELSE [] END | SET a:Network)
  FOREACH (_ IN CASE WHEN row.kind = 'broker' THEN [1] ELSE [] END | SET a:Broker)
  FOREACH (_ IN CASE WHEN row.kind = 'bds_provider' THEN [1] ELSE [] END | SET a:BDSProvider)
  FOREACH (_ IN CASE WHEN row.kind = 'specialized_centre' THEN [1] ELSE [] END | SET a:SpecializedCentre)
  FOREACH (_ IN CASE WHEN row.kind = 'policy_body' THEN [1] ELSE [] END | SET a:PolicyBody)
  FOREACH (_ IN CASE WHEN row.kind = 'association' THEN [1] ELSE [] END | SET a:Association)
  FOREACH (_ IN CASE WHEN row.kind = 'donor' THEN [1] ELSE [] END | SET a:Donor)
} IN TRANSACTIONS OF $batch ROWS
