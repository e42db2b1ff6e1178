// One batch of links of one type into a staged version ({{REL_TYPE}} is filled from
// instnet.schema.LINK_REL_TYPES only; columns encoded as in load_actors: column 0 is
// the source, column 1 the target).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS cols
UNWIND range(0, size(cols[0]) - 1) AS i
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: cols[0][i]})
MATCH (b:Actor {ecosystem: $ecosystem, version: $version, id: cols[1][i]})
CREATE (a)-[l:{{REL_TYPE}}]->(b)
WITH l, i, cols
UNWIND range(2, size(cols) - 1) AS k
WITH l, k, cols[k][i] AS v
WHERE v <> ''
SET l[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
