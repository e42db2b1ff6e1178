// One batch of needs (actor -[:NEEDS]-> service) into a staged version.
// The batch travels column by column: $data[k] is column k of every row joined by $sep
// (a character found in no value), so the driver sends a few long strings instead of
// thousands of maps; '' is an empty cell. Columns: 0 actor,
// 1 service, 2 priority; from 3 on, the dataset's own columns ($keys, $types as in
// load_actors).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS c
UNWIND range(0, size(c[0]) - 1) AS i
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: c[0][i]})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: c[1][i]})
CREATE (a)-[n:NEEDS]->(s)
SET n.priority = toInteger(nullIf(c[2][i], ''))
WITH n, i, c
UNWIND range(3, size(c) - 1) AS k
WITH n, k, c[k][i] AS v
WHERE v <> ''
SET n[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
