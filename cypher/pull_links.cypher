// Every link of one version of an ecosystem ($types: the link relationship types).
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})-[l]->(b:Actor)
WHERE a.id IS NOT NULL AND type(l) IN $types
RETURN a.id AS source, b.id AS target, type(l) AS type, properties(l) AS props
