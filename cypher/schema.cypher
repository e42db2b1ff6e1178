// instnet's schema: run at the start of every load; every statement is idempotent.
// Several ecosystems, and several versions of one ecosystem while a load is staged,
// share the database: actors and services are keyed by (ecosystem, version, id).
// (:Ecosystem {name, version}) names the committed version of each ecosystem;
// (:EcosystemVersion {ecosystem, version, state}) registers every version that has
// data in the database (state: staging, committed, retired, deleting).
CREATE CONSTRAINT instnet_ecosystem_name IF NOT EXISTS
FOR (e:Ecosystem) REQUIRE e.name IS UNIQUE;

CREATE CONSTRAINT instnet_ecosystem_version IF NOT EXISTS
FOR (v:EcosystemVersion) REQUIRE (v.ecosystem, v.version) IS UNIQUE;

CREATE CONSTRAINT instnet_actor_key IF NOT EXISTS
FOR (a:Actor) REQUIRE (a.ecosystem, a.version, a.id) IS UNIQUE;

CREATE CONSTRAINT instnet_service_key IF NOT EXISTS
FOR (s:Service) REQUIRE (s.ecosystem, s.version, s.id) IS UNIQUE;
