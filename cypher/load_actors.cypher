// One batch of actors of one kind into a staged version ({{LABEL}} is filled from
// instnet.schema.KIND_LABELS only). $rows: [{id, props: {column: value}}].
UNWIND $rows AS row
CREATE (a:Actor:{{LABEL}} {ecosystem: $ecosystem, version: $version, id: row.id})
SET a += row.props
