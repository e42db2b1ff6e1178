"""Labels and relationship types only from the fixed lists of kinds and link types, refused before any query runs."""

from __future__ import annotations

import pytest

from instnet.errors import SchemaError
from instnet.model import Ecosystem
from instnet.neo4j import queries
from instnet.neo4j.connection import Connection, Settings
from instnet.neo4j.load import load_ecosystem, plan
from instnet.neo4j.server import free_port
from instnet.schema import KIND_LABELS, LINK_REL_TYPES


def _eco() -> Ecosystem:
    return Ecosystem.from_records(
        actors=[{"id": "e", "name": "E", "kind": "enterprise"},
                {"id": "p", "name": "P", "kind": "bds_provider"}],
        services=[{"id": "s", "name": "S", "category": "training"}],
        offers=[{"actor": "p", "service": "s"}],
        needs=[{"actor": "e", "service": "s"}],
        links=[{"source": "e", "target": "p", "type": "client_of"}])


def test_every_label_and_type_of_the_lists_renders() -> None:
    for label in KIND_LABELS.values():
        assert f":Actor:{label} " in queries.query("load_actors", LABEL=label)
    for rel in LINK_REL_TYPES.values():
        assert f"[l:{rel}]" in queries.query("load_links", REL_TYPE=rel)


@pytest.mark.parametrize("value", ["Person", "enterprise", "Enterprise:Admin", "X) DETACH DELETE (n",
                                   "`Enterprise`", "", "ENTERPRISE"])
def test_label_outside_the_list_is_refused(value: str) -> None:
    with pytest.raises(SchemaError):
        queries.query("load_actors", LABEL=value)


@pytest.mark.parametrize("value", ["KNOWS", "member_of", "MEMBER_OF]->() MATCH (x", "OFFERS"])
def test_rel_type_outside_the_list_is_refused(value: str) -> None:
    with pytest.raises(SchemaError):
        queries.query("load_links", REL_TYPE=value)


def test_template_slots_must_match() -> None:
    with pytest.raises(SchemaError):
        queries.query("load_links")  # slot left empty
    with pytest.raises(SchemaError):
        queries.query("load_services", LABEL="Enterprise")  # no such slot
    with pytest.raises(SchemaError):
        queries.query("load_actors", LABEL="Enterprise", QUERY="x")


def test_bad_kind_or_type_is_refused_before_any_query_runs() -> None:
    eco = _eco()
    bad_kind = eco.replace_tables(actors=eco.actors.assign(kind=["enterprise", "Admin"]))
    bad_type = eco.replace_tables(links=eco.links.assign(type=["KNOWS"]))
    # A connection to a port nobody listens on: any query would raise Neo4jError;
    # SchemaError proves none was sent.
    dead = Connection(Settings(uri=f"bolt://127.0.0.1:{free_port()}", password="x"))
    try:
        for bad in (bad_kind, bad_type):
            with pytest.raises(SchemaError):
                plan(bad)
            with pytest.raises(SchemaError):
                load_ecosystem(bad, ecosystem="bad", connection=dead)
    finally:
        dead.close()


def test_known_columns_follow_the_dataset_format() -> None:
    """The load queries read known columns by position: same order as schema.TABLES."""
    from instnet.neo4j.load import KNOWN_COLUMNS
    from instnet.schema import TABLES

    for table, (keys, known) in KNOWN_COLUMNS.items():
        required, optional = TABLES[table]
        assert (*keys, *known) == tuple(c for c in (*required, *optional) if c != "type")
