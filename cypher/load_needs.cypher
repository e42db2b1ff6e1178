// One batch of needs (actor -[:NEEDS]-> service) into a staged version.
// $rows: [{actor, service, props}].
UNWIND $rows AS row
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.actor})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: row.service})
CREATE (a)-[n:NEEDS]->(s)
SET n += row.props
