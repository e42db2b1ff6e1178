// Benchmark baseline: LOAD CSV over services.csv.
LOAD CSV WITH HEADERS FROM 'file:///services.csv' AS row
CALL (row) {
  CREATE (s:Service {ecosystem: $ecosystem, version: $version, id: row.id})
  SET s.name = row.name, s.category = row.category
} IN TRANSACTIONS OF $batch ROWS
