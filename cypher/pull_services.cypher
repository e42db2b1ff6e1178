// Every service of one version of an ecosystem with all its properties.
MATCH (s:Service {ecosystem: $ecosystem, version: $version})
WHERE s.id IS NOT NULL
RETURN s.id AS id, properties(s) AS props
