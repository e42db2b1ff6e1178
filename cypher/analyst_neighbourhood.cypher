// Analyst query: an actor and everything linked to it, as a graph for Browser or Bloom.
//   :param ecosystem => 'jamaica'
//   :param actor => 'jampro_pc'
MATCH (e:Ecosystem {name: $ecosystem})
MATCH (a:Actor {ecosystem: e.name, version: e.version, id: $actor})
OPTIONAL MATCH path = (a)-[]-(other)
RETURN a, path
