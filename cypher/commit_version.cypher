// The atomic switch: make the staged $version the committed version of $ecosystem,
// only if it is still staged (no concurrent load started deleting it) and the
// committed version is still $previous ('' when the ecosystem is new). Returns no
// row, changing nothing, otherwise. The version node is locked first (see
// retire_version).
MATCH (v:EcosystemVersion {ecosystem: $ecosystem, version: $version})
SET v.touched_at = datetime()
WITH v
WHERE v.state = 'staging'
OPTIONAL MATCH (old:Ecosystem {name: $ecosystem})
WITH v, old
WHERE coalesce(old.version, '') = $previous
MERGE (e:Ecosystem {name: $ecosystem})
SET e.version = $version,
    e.meta = $meta,
    e.actor_columns = $actor_columns,
    e.service_columns = $service_columns,
    e.offer_columns = $offer_columns,
    e.need_columns = $need_columns,
    e.link_columns = $link_columns,
    e.actors = $counts.actors,
    e.services = $counts.services,
    e.offers = $counts.offers,
    e.needs = $counts.needs,
    e.links = $counts.links,
    e.loaded_at = datetime(),
    v.state = 'committed'
RETURN e.version AS version
