// One batch of services into a staged version. $rows: [{id, props}].
UNWIND $rows AS row
CREATE (s:Service {ecosystem: $ecosystem, version: $version, id: row.id})
SET s += row.props
