// Every need of one version of an ecosystem.
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})-[n:NEEDS]->(s:Service)
WHERE a.id IS NOT NULL
RETURN a.id AS actor, s.id AS service, properties(n) AS props
