// One batch of links of one type into a staged version ({{REL_TYPE}} is filled from
// instnet.schema.LINK_REL_TYPES only).
// The batch travels column by column: $data[k] is column k of every row joined by $sep
// (a character found in no value), so the driver sends a few long strings instead of
// thousands of maps; '' is an empty cell. Columns: 0 source,
// 1 target, 2 weight, 3 since, 4 until; from 5 on, the dataset's own columns ($keys,
// $types as in load_actors).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS c
UNWIND range(0, size(c[0]) - 1) AS i
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: c[0][i]})
MATCH (b:Actor {ecosystem: $ecosystem, version: $version, id: c[1][i]})
CREATE (a)-[l:{{REL_TYPE}}]->(b)
SET l.weight = toFloat(nullIf(c[2][i], '')), l.since = toInteger(nullIf(c[3][i], '')), l.until = toInteger(nullIf(c[4][i], ''))
WITH l, i, c
UNWIND range(5, size(c) - 1) AS k
WITH l, k, c[k][i] AS v
WHERE v <> ''
SET l[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
