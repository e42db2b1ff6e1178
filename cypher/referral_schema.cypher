// The desk's referral log in Neo4j: one (:Referral) node per referral, keyed by
// (ecosystem, id); idempotent.
CREATE CONSTRAINT instnet_referral_key IF NOT EXISTS
FOR (r:Referral) REQUIRE (r.ecosystem, r.id) IS UNIQUE
