// One batch of actors of one kind into a staged version ({{LABEL}} is filled from
// instnet.schema.KIND_LABELS only).
// The batch travels column by column: $data[k] is column k of every row joined by $sep
// (a character found in no value), so the driver sends a few long strings instead of
// thousands of maps; '' is an empty cell. Columns (instnet.neo4j.load.KNOWN_COLUMNS): 0 id, 1 name, 2 kind,
// 3 sector, 4 region, 5 size, 6 capacity, 7 since, 8 until, 9 private, 10 lat, 11 lon,
// 12 description; from 13 on, the dataset's own columns, named by $keys and typed by
// $types (str, int, float, bool).
WITH [k IN range(0, size($data) - 1) | split($data[k], $sep)] AS c
UNWIND range(0, size(c[0]) - 1) AS i
CREATE (a:Actor:{{LABEL}} {ecosystem: $ecosystem, version: $version, id: c[0][i]})
SET a.name = nullIf(c[1][i], ''), a.kind = c[2][i], a.sector = nullIf(c[3][i], ''),
    a.region = nullIf(c[4][i], ''), a.size = nullIf(c[5][i], ''),
    a.capacity = toInteger(nullIf(c[6][i], '')), a.since = toInteger(nullIf(c[7][i], '')),
    a.until = toInteger(nullIf(c[8][i], '')), a.private = c[9][i] = 'true',
    a.lat = toFloat(nullIf(c[10][i], '')), a.lon = toFloat(nullIf(c[11][i], '')),
    a.description = nullIf(c[12][i], '')
WITH a, i, c
UNWIND range(13, size(c) - 1) AS k
WITH a, k, c[k][i] AS v
WHERE v <> ''
SET a[$keys[k]] = CASE $types[k]
    WHEN 'int' THEN toInteger(v) WHEN 'float' THEN toFloat(v) WHEN 'bool' THEN v = 'true'
    ELSE v END
