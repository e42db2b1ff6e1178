// Every referral of an ecosystem, oldest first.
MATCH (r:Referral {ecosystem: $ecosystem})
RETURN properties(r) AS referral
ORDER BY r.seq, r.id
