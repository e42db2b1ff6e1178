// One batch of actors of one kind into a staged version ({{LABEL}} is filled from
// instnet.schema.KIND_LABELS only). The batch travels column by column: $data[k] is
// column $keys[k] of every row joined by $sep (a character found in no value), so
// the driver sends a few long strings instead of thousands of maps. Column 0 is the
// id; $types[k] (str, int, float, bool) says how to read the text; '' is empty.
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS cols
UNWIND range(0, size(cols[0]) - 1) AS i
CREATE (a:Actor:{{LABEL}} {ecosystem: $ecosystem, version: $version, id: cols[0][i]})
WITH a, i, cols
UNWIND range(1, size(cols) - 1) AS k
WITH a, k, cols[k][i] AS v
WHERE v <> ''
SET a[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
