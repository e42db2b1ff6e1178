// One referral of an ecosystem.
MATCH (r:Referral {ecosystem: $ecosystem, id: $id})
RETURN properties(r) AS referral
