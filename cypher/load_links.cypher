// One batch of links of one type into a staged version ({{REL_TYPE}} is filled
// from instnet.schema.LINK_REL_TYPES only). $rows: [{source, target, props}].
UNWIND $rows AS row
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.source})
MATCH (b:Actor {ecosystem: $ecosystem, version: $version, id: row.target})
CREATE (a)-[l:{{REL_TYPE}}]->(b)
SET l += row.props
