// Every committed ecosystem of the database.
MATCH (e:Ecosystem)
RETURN e.name AS name, e.version AS version, e.actors AS actors, e.services AS services,
       e.offers AS offers, e.needs AS needs, e.links AS links, e.loaded_at AS loaded_at
ORDER BY name
