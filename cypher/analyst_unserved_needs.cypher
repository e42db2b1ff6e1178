// Analyst query: needs that no provider of the service covers in the enterprise's
// region at all (a quick, referral-free view of the gaps; `instnet gaps` does the full
// referral analysis of docs/semantics.md).
//   :param ecosystem => 'jamaica'
MATCH (e:Ecosystem {name: $ecosystem})
MATCH (a:Actor {ecosystem: e.name, version: e.version})-[:NEEDS]->(s:Service)
WHERE NOT EXISTS {
  MATCH (:Actor)-[o:OFFERS]->(s)
  WHERE coalesce(o.regions, '') = ''
     OR coalesce(a.region, '') IN [r IN split(o.regions, ';') | trim(r)]
}
RETURN s.id AS service, s.name AS name, coalesce(a.region, '') AS region, count(a) AS unmet
ORDER BY unmet DESC, service, region
