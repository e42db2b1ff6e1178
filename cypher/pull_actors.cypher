// Every actor of one version of an ecosystem with all its properties.
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})
WHERE a.id IS NOT NULL
RETURN a.id AS id, properties(a) AS props
