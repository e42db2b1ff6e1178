// One batch of services into a staged version (columns encoded as in load_actors).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS cols
UNWIND range(0, size(cols[0]) - 1) AS i
CREATE (s:Service {ecosystem: $ecosystem, version: $version, id: cols[0][i]})
WITH s, i, cols
UNWIND range(1, size(cols) - 1) AS k
WITH s, k, cols[k][i] AS v
WHERE v <> ''
SET s[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
