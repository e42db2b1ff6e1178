// Every registered version of one ecosystem and the committed one.
OPTIONAL MATCH (e:Ecosystem {name: $ecosystem})
OPTIONAL MATCH (v:EcosystemVersion {ecosystem: $ecosystem})
RETURN e.version AS current, collect(v.version) AS versions
