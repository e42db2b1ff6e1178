// Forget an ecosystem atomically: readers stop seeing it at once; its versions are
// then retired and their nodes removed in batches (gc_actors, gc_services).
MATCH (e:Ecosystem {name: $ecosystem})
WITH e, e.version AS version
DELETE e
RETURN version
