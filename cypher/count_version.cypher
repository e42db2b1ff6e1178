// Nodes and relationships of one version of one ecosystem: checked against the
// dataset before a staged version is committed ($types: the link relationship types).
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})
WHERE a.id IS NOT NULL
WITH count(a) AS actors,
     sum(COUNT { (a)-[:OFFERS]->(:Service) }) AS offers,
     sum(COUNT { (a)-[:NEEDS]->(:Service) }) AS needs,
     sum(COUNT { (a)-[l]->(:Actor) WHERE type(l) IN $types }) AS links
CALL () {
  MATCH (s:Service {ecosystem: $ecosystem, version: $version})
  WHERE s.id IS NOT NULL
  RETURN count(s) AS services
}
RETURN actors, services, offers, needs, links
