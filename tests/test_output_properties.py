"""Random printable and control-character text through every output: nothing crashes or leaks.

Names, ids, regions and the ecosystem's name are drawn from all of Unicode's
printable characters plus C0 controls, DEL and the characters that start a
spreadsheet formula. Through validate, gaps, refer, bottlenecks, every export and
the report: no traceback, every XML output parses, every JSON output is valid, no
CSV cell starts with a formula character, and no private actor's name or id
appears anywhere without --include-private.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from instnet import Ecosystem
from instnet.cli import main
from instnet.errors import DatasetError
from instnet.io.write import write_dataset

from test_output_faults import formula_cells

# Tokens that start every private actor's id and name: a leak shows them whatever escaping it went through.
PRIV_ID, PRIV_NAME = "zqpriv", "Zqsecret"
CONTROLS = "".join(map(chr, range(0x20))) + "\x7f\x85\u202e"

text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), st.sampled_from(CONTROLS),
                       st.sampled_from("=+-@[]/;,\"'")),
    min_size=1, max_size=8,
).filter(lambda s: PRIV_ID not in s and PRIV_NAME not in s and "private" not in s.lower())


def ident(s: str) -> str:
    # ids may hold anything but surrounding spaces (an error by design, covered elsewhere)
    return s.strip() or "x"


@st.composite
def hostile_records(draw) -> dict:
    ids = draw(st.lists(text.map(ident), min_size=5, max_size=5, unique=True))
    e1, net, brk, prov, svc = ids
    secret_e = PRIV_ID + "e" + draw(text).strip()
    secret_b = PRIV_ID + "b" + draw(text).strip()
    region = draw(text)
    actors = [
        {"id": e1, "name": draw(text), "kind": "enterprise", "region": region, "sector": draw(text)},
        {"id": secret_e, "name": PRIV_NAME + "e" + draw(text), "kind": "enterprise", "region": region,
         "private": "true"},
        {"id": net, "name": draw(text), "kind": "network"},
        {"id": brk, "name": draw(text), "kind": "broker"},
        {"id": secret_b, "name": PRIV_NAME + "b" + draw(text), "kind": "broker", "private": "true"},
        {"id": prov, "name": draw(text), "kind": "bds_provider", "capacity": "1"},
    ]
    via_secret = draw(st.booleans())
    hub = secret_b if via_secret else brk
    return {
        "actors": actors,
        "services": [{"id": svc, "name": draw(text), "category": "training"}],
        "offers": [{"actor": prov, "service": svc, "regions": draw(st.sampled_from(["", region]))}],
        "needs": [{"actor": e1, "service": svc}, {"actor": secret_e, "service": svc}],
        "links": [{"source": e1, "target": net, "type": "member_of"},
                  {"source": secret_e, "target": net, "type": "member_of"},
                  {"source": net, "target": hub, "type": "brokered_by"},
                  {"source": hub, "target": prov, "type": "refers_to", "weight": "0.7"},
                  {"source": brk, "target": secret_b, "type": "partners_with"}],
        "meta": {"name": draw(text)},
    }


def _check_text(out: str, where: str) -> None:
    assert "Traceback" not in out, where
    assert PRIV_ID not in out and PRIV_NAME not in out, (where, out)


@settings(max_examples=8, deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(records=hostile_records())
def test_hostile_text_never_crashes_or_leaks(records, tmp_path_factory):
    runner = CliRunner()
    tmp = tmp_path_factory.mktemp("prop")
    try:
        eco = Ecosystem.from_records(**records)
    except DatasetError as exc:
        # Rejected text: the validator says where, as one located message per problem.
        assert all(p.file for p in exc.problems)
        return
    folder = write_dataset(eco, tmp / "eco")
    e1 = records["actors"][0]["id"]
    svc = records["services"][0]["id"]

    def cli(*args: str) -> str:
        r = runner.invoke(main, [str(a) for a in args])
        assert r.exit_code == 0, (args, r.output, r.exception)
        return r.output

    checked = runner.invoke(main, ["validate", str(folder)])
    assert "Traceback" not in checked.output and checked.exception is None or isinstance(checked.exception, SystemExit)
    if checked.exit_code == 2:
        # Text the reader refuses once written (a NUL byte): one located message per problem, exit 2.
        assert checked.output.startswith("error:") and ".csv" in checked.output
        return
    _check_text(checked.output, "validate")
    for cmd in (("gaps", folder, "--unmet", "--by", "service,region"), ("refer", folder, e1, svc),
                ("bottlenecks", folder, "--top", "0", "--show-lost")):
        for fmt in ("table", "csv", "json"):
            out = cli(*cmd, "--format", fmt)
            _check_text(out, f"{cmd[0]} {fmt}")
            if fmt == "json":
                json.loads(out)
            if fmt == "csv":
                assert not formula_cells(out), cmd
    for kind, name in (("html", "m.html"), ("graphml", "g.graphml"), ("gexf", "g.gexf"), ("json", "e.json")):
        cli("export", kind, folder, "-o", tmp / name)
    cli("report", folder, "-o", tmp / "r.html")
    _check_text(cli("info", folder), "info")
    for name in ("m.html", "g.graphml", "g.gexf", "e.json", "r.html"):
        _check_text((tmp / name).read_text(encoding="utf-8"), name)
    ET.parse(tmp / "g.graphml")
    ET.parse(tmp / "g.gexf")
    json.loads((tmp / "e.json").read_text(encoding="utf-8"))
    # and with the flag, the private actors are there
    cli("export", "json", folder, "-o", tmp / "p.json", "--include-private")
    assert PRIV_ID in (tmp / "p.json").read_text(encoding="utf-8")


def test_the_strategy_reaches_the_private_path():
    """The property above is not vacuous: a drawn ecosystem is valid and routes through a private broker."""
    from hypothesis import find

    rec = find(hostile_records(), lambda r: r["links"][2]["target"].startswith(PRIV_ID))
    eco = Ecosystem.from_records(**rec)
    assert eco.actors["private"].sum() == 2
