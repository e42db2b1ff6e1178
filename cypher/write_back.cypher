// Set analysis results as properties of the committed version's actors.
// $rows: [{id, props: {name: value}}]; a null value removes the property.
UNWIND $rows AS row
MATCH (a:Actor {ecosystem: $ecosystem, version: $version, id: row.id})
SET a += row.props
RETURN count(a) AS updated
