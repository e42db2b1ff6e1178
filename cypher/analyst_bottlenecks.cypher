// Analyst query (after `instnet neo4j write-back`): institutions by impact, with
// their load, utilisation and betweenness, for sizing and colouring in Bloom.
//   :param ecosystem => 'jamaica'
MATCH (e:Ecosystem {name: $ecosystem})
MATCH (i:Actor {ecosystem: e.name, version: e.version})
WHERE i.impact IS NOT NULL
RETURN i.id AS id, i.name AS name, i.kind AS kind, i.impact AS impact, i.load AS load,
       i.utilisation AS utilisation, i.betweenness AS betweenness
ORDER BY impact DESC, load DESC, id
LIMIT 20
