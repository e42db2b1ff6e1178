"""Ids made from other systems' keys: readable slugs from labels, UUIDs from instnet ids.

Kumu identifies elements by their label and HSDS by UUIDs; instnet needs short,
stable, unique ids. :func:`slug_ids` turns labels into ids a person can type;
:func:`uuid_for` derives the same UUID from the same instnet id every time, so an
export-import-export round trip is byte-stable.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable

__all__ = ["NAMESPACE", "slug", "slug_ids", "uuid_for"]

#: Namespace of every UUID instnet derives (uuid5 of the project's name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "instnet.sme-support-ecosystem")


def slug(label: str) -> str:
    """A readable id from a label: accents dropped, lower case, ``_`` between words.

    Examples
    --------
    >>> slug("Centro de Tecnología (CETEC)")
    'centro_de_tecnologia_cetec'
    >>> slug("***")
    'x'
    """
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return out or "x"


def slug_ids(labels: Iterable[str], *, taken: Iterable[str] = ()) -> list[str]:
    """One unique id per label, in order: the slug, then ``slug_2``, ``slug_3`` on clashes.

    The same labels in the same order always give the same ids.

    Examples
    --------
    >>> slug_ids(["A B", "a-b", "C"])
    ['a_b', 'a_b_2', 'c']
    """
    used = set(taken)
    out = []
    for label in labels:
        base = slug(label)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        out.append(candidate)
    return out


def uuid_for(entity: str, key: str) -> str:
    """The UUID of ``key`` (an instnet id, or a composite key) of kind ``entity``.

    Examples
    --------
    >>> uuid_for("actor", "jampro") == uuid_for("actor", "jampro")
    True
    >>> uuid_for("actor", "jampro") != uuid_for("service", "jampro")
    True
    """
    return str(uuid.uuid5(NAMESPACE, f"{entity}\x1f{key}"))
