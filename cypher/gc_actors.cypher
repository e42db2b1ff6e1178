// Delete one batch of actors (with their relationships) of one version being
// deleted; enterprises first ($kind), so that hubs have few relationships left
// when their turn comes. Returns how many were deleted.
MATCH (a:Actor {ecosystem: $ecosystem, version: $version})
WHERE a.id IS NOT NULL AND ($kind IS NULL OR a.kind = $kind)
WITH a LIMIT $batch
DETACH DELETE a
RETURN count(*) AS deleted
