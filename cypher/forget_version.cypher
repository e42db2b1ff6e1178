// Remove the registration of a version whose data is all deleted.
MATCH (v:EcosystemVersion {ecosystem: $ecosystem, version: $version, state: 'deleting'})
DELETE v
RETURN count(*) AS deleted
