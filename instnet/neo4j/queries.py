"""Named Cypher queries, with labels and relationship types from the fixed lists only.

Cypher cannot take a label or a relationship type as a parameter, so a few
queries in ``cypher/`` are templates with a placeholder, ``{{LABEL}}`` or
``{{REL_TYPE}}``. :func:`query` fills it only with a value of
:data:`instnet.schema.KIND_LABELS` / :data:`instnet.schema.LINK_REL_TYPES`
(or :data:`instnet.schema.ACTOR_LABEL`) and raises :class:`SchemaError` for
anything else, before any query can run. Values are always parameters.
"""

from __future__ import annotations

import re

from ..i18n import _
from ..errors import SchemaError
from ..io.resources import cypher
from ..schema import ACTOR_LABEL, KIND_LABELS, LINK_REL_TYPES

#: Every label a template may receive.
LABELS = frozenset(KIND_LABELS.values()) | {ACTOR_LABEL}
#: Every relationship type a template may receive.
REL_TYPES = frozenset(LINK_REL_TYPES.values())

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
_ALLOWED = {"LABEL": LABELS, "REL_TYPE": REL_TYPES}


def label_for_kind(kind: str) -> str:
    """Return the Neo4j label of an actor kind.

    Raises
    ------
    SchemaError
        If ``kind`` is not one of DESIGN.md's kinds.

    Examples
    --------
    >>> label_for_kind("bds_provider")
    'BDSProvider'
    """
    try:
        return KIND_LABELS[kind]
    except KeyError:
        raise SchemaError(_("actor kind {kind!r} is not one of the dataset format's kinds; it cannot become a "
                            "Neo4j label").format(kind=kind)) from None


def rel_type_for_link(link_type: str) -> str:
    """Return the Neo4j relationship type of a link type.

    Raises
    ------
    SchemaError
        If ``link_type`` is not one of DESIGN.md's link types.

    Examples
    --------
    >>> rel_type_for_link("member_of")
    'MEMBER_OF'
    """
    try:
        return LINK_REL_TYPES[link_type]
    except KeyError:
        raise SchemaError(_("link type {type!r} is not one of the dataset format's link types; it cannot become "
                            "a Neo4j relationship type").format(type=link_type)) from None


def query(name: str, **slots: str) -> str:
    """Return the Cypher text of ``cypher/<name>.cypher`` with its slots filled.

    Parameters
    ----------
    name : str
        The query's file name without ``.cypher``.
    **slots : str
        ``LABEL=`` (a label of :data:`LABELS`) and/or ``REL_TYPE=`` (a type of
        :data:`REL_TYPES`), as the template requires.

    Raises
    ------
    SchemaError
        If a slot value is outside the fixed lists, a slot is missing, or a slot
        is given that the template does not have.

    Examples
    --------
    >>> "MEMBER_OF" in query("load_links", REL_TYPE="MEMBER_OF")
    True
    >>> query("load_links", REL_TYPE="MEMBER_OF]->() DETACH DELETE (x")
    Traceback (most recent call last):
    ...
    instnet.errors.SchemaError: 'MEMBER_OF]->() DETACH DELETE (x' is not an allowed REL_TYPE (not in the dataset format's lists)
    """
    for slot, value in slots.items():
        allowed = _ALLOWED.get(slot)
        if allowed is None:
            raise SchemaError(_("unknown template slot {slot!r} for query {name!r}").format(slot=slot, name=name))
        if value not in allowed:
            raise SchemaError(_("{value!r} is not an allowed {slot} (not in the dataset format's lists)").format(
                value=value, slot=slot))
    text = cypher(name)
    wanted = set(_PLACEHOLDER.findall(text))
    if wanted != set(slots):
        raise SchemaError(
            _("query {name!r} has slots {wanted} but was given {given}").format(
                name=name, wanted=sorted(wanted), given=sorted(slots)))
    return _PLACEHOLDER.sub(lambda m: slots[m.group(1)], text)


def statements(name: str) -> list[str]:
    """Return the statements of a multi-statement file (separated by ``;`` at line ends).

    Examples
    --------
    >>> all("IF NOT EXISTS" in s for s in statements("schema"))
    True
    """
    text = query(name)
    parts = re.split(r";[ \t]*$", text, flags=re.MULTILINE)
    return [p.strip() for p in parts if _code(p)]


def _code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("//") for line in text.splitlines())
