"""The desk's referral log as (:Referral) nodes of an ecosystem in a real Neo4j server."""

from __future__ import annotations

import pytest

from instnet.desk.store import Neo4jLog, UnknownReferralError

ROW = {"date": "2026-03-02", "actor": "ent_kgn_g01", "service": "pattern_making", "provider": "kingston_atc",
       "via": "net_kgn_garments;jampro_pc", "status": "open", "reason": "", "broker": "ann",
       "note": "' OR 1=1 //<script>"}


def test_referrals_are_nodes_of_their_ecosystem(conn) -> None:
    a = Neo4jLog(conn, "desk-test-a")
    b = Neo4jLog(conn, "desk-test-b")
    first = a.add(ROW)
    second = a.add({**ROW, "actor": "walk-in"})
    b.add(ROW)
    assert first["id"] != second["id"]
    assert [r["id"] for r in a.rows()] == [first["id"], second["id"]]
    assert a.get(first["id"]) == first  # the note came back as text, untouched
    changed = a.update(first["id"], {"status": "declined", "reason": "capacity"})
    assert changed["status"] == "declined" and a.get(first["id"])["reason"] == "capacity"
    assert len(b.rows()) == 1 and b.rows()[0]["status"] == "open"
    with pytest.raises(UnknownReferralError):
        a.get("R-NOPE")
    with pytest.raises(UnknownReferralError):
        b.update(first["id"], {"status": "served"})  # another ecosystem's referral
    count = conn.records("MATCH (r:Referral {ecosystem: $e}) RETURN count(r) AS n", {"e": "desk-test-a"})
    assert count[0]["n"] == 2
