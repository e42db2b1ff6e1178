// Every offer of one version of an ecosystem.
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})-[o:OFFERS]->(s:Service)
WHERE a.id IS NOT NULL
RETURN a.id AS actor, s.id AS service, properties(o) AS props
