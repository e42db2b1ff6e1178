// One batch of offers (actor -[:OFFERS]-> service) into a staged version.
// The batch travels column by column: $data[k] is column k of every row joined by $sep
// (a character found in no value), so the driver sends a few long strings instead of
// thousands of maps; '' is an empty cell. Columns: 0 actor,
// 1 service, 2 regions, 3 sectors, 4 capacity, 5 fee, 6 since, 7 until; from 8 on, the
// dataset's own columns ($keys, $types as in load_actors).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS c
UNWIND range(0, size(c[0]) - 1) AS i
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: c[0][i]})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: c[1][i]})
CREATE (a)-[o:OFFERS]->(s)
SET o.regions = nullIf(c[2][i], ''), o.sectors = nullIf(c[3][i], ''),
    o.capacity = toInteger(nullIf(c[4][i], '')), o.fee = nullIf(c[5][i], ''),
    o.since = toInteger(nullIf(c[6][i], '')), o.until = toInteger(nullIf(c[7][i], ''))
WITH o, i, c
UNWIND range(8, size(c) - 1) AS k
WITH o, k, c[k][i] AS v
WHERE v <> ''
SET o[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
