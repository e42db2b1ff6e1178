// Analyst query: the institutions with the most referral channels (links that carry
// referrals: member_of, client_of, brokered_by, refers_to, coordinates, partners_with).
//   :param ecosystem => 'jamaica'
MATCH (e:Ecosystem {name: $ecosystem})
MATCH (i:Actor {ecosystem: e.name, version: e.version})
WHERE NOT i:Enterprise AND NOT i:Network
WITH i, COUNT { (i)-[:MEMBER_OF|CLIENT_OF|BROKERED_BY|REFERS_TO|COORDINATES|PARTNERS_WITH]-() } AS channels
RETURN i.id AS id, i.name AS name, i.kind AS kind, channels
ORDER BY channels DESC, id
LIMIT 20
