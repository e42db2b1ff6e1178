// Benchmark baseline: LOAD CSV over links.csv (one relationship type per link type).
LOAD CSV WITH HEADERS FROM 'file:///links.csv' AS row
CALL (row) {
  MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.source})
  MATCH (b:Actor {ecosystem: $ecosystem, version: $version, id: row.target})
  FOREACH (_ IN CASE WHEN row.type = 'member_of' THEN [1] ELSE [] END |
    CREATE (a)-[:MEMBER_OF {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'client_of' THEN [1] ELSE [] END |
    CREATE (a)-[:CLIENT_OF {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'brokered_by' THEN [1] ELSE [] END |
    CREATE (a)-[:BROKERED_BY {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'refers_to' THEN [1] ELSE [] END |
    CREATE (a)-[:REFERS_TO {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'coordinates' THEN [1] ELSE [] END |
    CREATE (a)-[:COORDINATES {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'partners_with' THEN [1] ELSE [] END |
    CREATE (a)-[:PARTNERS_WITH {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'funds' THEN [1] ELSE [] END |
    CREATE (a)-[:FUNDS {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'trains' THEN [1] ELSE [] END |
    CREATE (a)-[:TRAINS {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
  FOREACH (_ IN CASE WHEN row.type = 'supplies' THEN [1] ELSE [] END |
    CREATE (a)-[:SUPPLIES {weight: toFloat(coalesce(nullIf(row.weight, ''), '1.0')), since: toInteger(nullIf(row.since, '')), until: toInteger(nullIf(row.until, ''))}]->(b))
} IN TRANSACTIONS OF $batch ROWS
