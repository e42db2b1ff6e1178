// One batch of offers (actor -[:OFFERS]-> service) into a staged version.
// $rows: [{actor, service, props}].
UNWIND $rows AS row
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.actor})
MATCH (s:Service {ecosystem: $ecosystem, version: $version, id: row.service})
CREATE (a)-[o:OFFERS]->(s)
SET o += row.props
