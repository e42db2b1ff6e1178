// Record one referral of an ecosystem ($row: the referrals.csv columns as text).
CREATE (r:Referral {ecosystem: $ecosystem, id: $row.id})
SET r.seq = timestamp(), r.date = $row.date, r.actor = $row.actor, r.service = $row.service,
    r.provider = $row.provider, r.via = $row.via, r.status = $row.status, r.reason = $row.reason,
    r.broker = $row.broker, r.note = $row.note
