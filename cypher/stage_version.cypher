// Register a version about to be staged (before any of its data is written).
MERGE (v:EcosystemVersion {ecosystem: $ecosystem, version: $version})
SET v.state = 'staging', v.started_at = datetime()
RETURN v.state AS state
