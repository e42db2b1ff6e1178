// One batch of needs (actor -[:NEEDS]-> service) into a staged version (columns
// encoded as in load_actors: column 0 is the actor, column 1 the service).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS cols
UNWIND range(0, size(cols[0]) - 1) AS i
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: cols[0][i]})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: cols[1][i]})
CREATE (a)-[n:NEEDS]->(s)
WITH n, i, cols
UNWIND range(2, size(cols) - 1) AS k
WITH n, k, cols[k][i] AS v
WHERE v <> ''
SET n[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
