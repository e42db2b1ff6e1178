// Change the status, reason and note of one referral.
MATCH (r:Referral {ecosystem: $ecosystem, id: $id})
SET r.status = $changes.status, r.reason = $changes.reason, r.note = $changes.note
RETURN r.id AS id
