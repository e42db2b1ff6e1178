// Delete one batch of services (with their relationships) of one version being
// deleted. Returns how many were deleted.
MATCH (s:Service {ecosystem: $ecosystem, version: $version})
WHERE s.id IS NOT NULL
WITH s LIMIT $batch
DETACH DELETE s
RETURN count(*) AS deleted
