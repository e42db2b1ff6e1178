// The committed state of one ecosystem (no row when it does not exist).
MATCH (e:Ecosystem {name: $ecosystem})
RETURN properties(e) AS ecosystem
