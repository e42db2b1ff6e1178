// Analyst query: who provides a service to a region, in the committed version of an
// ecosystem. In Neo4j Browser first set the parameters, e.g.
//   :param ecosystem => 'jamaica'
//   :param service => 'quality_certification'
//   :param region => 'Kingston'
MATCH (e:Ecosystem {name: $ecosystem})
MATCH (p:Actor {ecosystem: e.name, version: e.version})-[o:OFFERS]->(s:Service {id: $service})
WHERE s.ecosystem = e.name AND s.version = e.version
  AND (coalesce(o.regions, '') = ''
       OR $region IN [r IN split(o.regions, ';') | trim(r)])
RETURN p.id AS provider, p.name AS name, p.kind AS kind, o.fee AS fee,
       o.capacity AS capacity, coalesce(o.regions, '(all regions)') AS regions
ORDER BY name
