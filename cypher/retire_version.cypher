// Mark a version for deletion, unless it is the committed one. The version node is
// locked first, so this and commit_version never interleave: either the commit
// happened before (the version is current and is kept) or it fails afterwards.
MATCH (v:EcosystemVersion {ecosystem: $ecosystem, version: $version})
SET v.touched_at = datetime()
WITH v
OPTIONAL MATCH (e:Ecosystem {name: $ecosystem})
WITH v, e
WHERE e IS NULL OR e.version <> v.version
SET v.state = 'deleting'
RETURN v.version AS version
