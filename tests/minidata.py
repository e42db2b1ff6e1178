"""A small valid dataset to break one rule at a time (shared by the bad-input tests).

Line numbers (what a person sees, header = line 1) of the valid files:

actors.csv   2 e1, 3 e2, 4 n1, 5 p1, 6 b1, 7 g1, 8 d1, 9 a1
services.csv 2 s1, 3 s2
offers.csv   2 p1/s1, 3 b1/s2
needs.csv    2 e1/s1, 3 n1/s2
links.csv    2 e1->p1, 3 e1->n1, 4 n1->b1, 5 g1->b1
"""

from __future__ import annotations

from pathlib import Path

import pytest

from instnet.errors import DatasetError, Problem
from instnet.io.read import read_dataset

ACTORS = (
    "id,name,kind,sector,region,size,capacity,since,until,private,lat,lon,description\n"
    "e1,Shop,enterprise,apparel,North,micro,,2001,,false,18.0,-76.8,\n"
    "e2,Café Ñandú,enterprise,food,South,small,,,,,,,Tostadora de café\n"
    "n1,Net,network,apparel,North,,,,,,,,\n"
    "p1,Lab,bds_provider,,North,,50,,,true,,,\n"
    "b1,Broker,broker,,North,,,,,,,,\n"
    "g1,Gov,policy_body,,,,,,,,,,\n"
    "d1,Donor,donor,,,,,,,,,,\n"
    "a1,Chamber,association,,,,,,,,,,\n"
)
SERVICES = "id,name,category\ns1,Testing,technology\ns2,Loans,finance\n"
OFFERS = "actor,service,regions,sectors,capacity,fee,since,until\np1,s1,North,,10,free,,\nb1,s2,,,,market,,\n"
NEEDS = "actor,service,priority\ne1,s1,1\nn1,s2,2\n"
LINKS = (
    "source,target,type,weight,since,until\n"
    "e1,p1,client_of,0.5,,\n"
    "e1,n1,member_of,,,\n"
    "n1,b1,brokered_by,1,,\n"
    "g1,b1,coordinates,0.7,,\n"
)
VALID = {"actors": ACTORS, "services": SERVICES, "offers": OFFERS, "needs": NEEDS, "links": LINKS}


def make_dataset(folder: Path, **tables: str | bytes | None) -> Path:
    """Write the valid dataset to ``folder``, with some tables replaced.

    A value of None leaves that table out; bytes are written as they are.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**VALID, **tables}.items():
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def plus(table: str, *rows: str) -> str:
    """The valid text of ``table`` with ``rows`` appended (each a CSV line)."""
    return VALID[table] + "".join(r + "\n" for r in rows)


def problems(source: Path) -> list[Problem]:
    """Read ``source``, expecting a DatasetError; return its problems."""
    with pytest.raises(DatasetError) as info:
        read_dataset(source)
    found = list(info.value.problems)
    assert found, "a DatasetError must list its problems"
    return found


def row(table: str, **values: str) -> str:
    """One CSV line for ``table`` in the column order of its valid header (quoted as needed)."""
    import csv
    import io

    header = VALID[table].split("\n", 1)[0].split(",")
    unknown = set(values) - set(header)
    assert not unknown, f"{table} has no column {unknown}"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values.get(h, "") for h in header])
    return out.getvalue()
