"""Private actors in outputs: one rule for every command, export, page and message.

An actor marked ``private`` leaves instnet only as its kind plus a stable
pseudonym, unless the caller asks for ``include_private``:

* its id becomes ``private-<kind>-<code>``, where ``<code>`` is the first eight hex
  digits of an HMAC-SHA256 of the id keyed by :attr:`Ecosystem.origin_digest` (a
  digest of the dataset's metadata and private rows). The same actor gets the same pseudonym in every output of one
  dataset (every year of ``as_of``, what-if removals, the map, the exports, the
  tables); knowing the id and not the dataset does not give the pseudonym, and the
  pseudonym does not give the id;
* its name becomes its kind's label and ``(private)``, e.g. ``Enterprise (private)``;
* its description, coordinates and contact details are never shown.

The key belongs to the dataset as read and is carried by every ecosystem derived
from it (:meth:`Ecosystem.as_of`, :meth:`Ecosystem.without`,
:meth:`Ecosystem.replace_tables`), so a trend over years names an actor alike in
every year. Two private actors whose codes collide (one chance in four billion per
pair of the same kind) are told apart by ``-2``, ``-3``, ... in id order.

Examples
--------
>>> from instnet import Ecosystem
>>> eco = Ecosystem.from_records(actors=[
...     {"id": "a", "name": "Secret Co", "kind": "enterprise", "private": "true"},
...     {"id": "b", "name": "B", "kind": "enterprise"}])
>>> shown = Masker(eco)
>>> shown.id("a").startswith("private-enterprise-"), shown.id("b")
(True, 'b')
>>> shown.name("a")
'Enterprise (private)'
>>> Masker(eco, include_private=True).id("a")
'a'
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import _

if TYPE_CHECKING:
    from ..model import Ecosystem

__all__ = ["Masker", "display_ids", "display_names", "ID_KEYS"]

#: Keys (JSON) and columns (tables) whose values are actor ids.
ID_KEYS = ("id", "actor", "provider", "institution", "source", "target", "path", "via", "lost_actors",
           "client", "coordinator", "networks")
#: Which id key a ``name`` beside it describes, first present wins.
_NAME_OWNER = ("id", "actor", "provider", "institution", "client")


def _kind_label(kind: str) -> str:
    from .views.style import KIND_STYLE, kind_text  # here: the views import this module

    return kind_text(kind) if kind in KIND_STYLE else str(kind)


def _codes(eco: Ecosystem) -> pd.Series:
    """Private actor id -> pseudonym (collisions told apart in id order)."""
    a = eco.actors
    mask = a["private"].to_numpy(dtype=bool)
    ids = a.index[mask]
    if not len(ids):
        return pd.Series([], index=pd.Index([], dtype=object), dtype=object)
    key = eco.origin_digest
    kinds = a["kind"].to_numpy(dtype=object)[mask]
    raw = [f"private-{k}-" + hmac.new(key, str(i).encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:8]
           for i, k in zip(ids, kinds)]
    out = pd.Series(raw, index=ids, dtype=object)
    dup = out.duplicated(keep=False).to_numpy()
    if dup.any():
        order = out[dup].sort_index()
        rank = order.groupby(order.to_numpy(), sort=False).cumcount() + 1
        out.loc[order.index] = [c if r == 1 else f"{c}-{r}" for c, r in zip(order.to_numpy(), rank.to_numpy())]
    return out


def display_ids(eco: Ecosystem, *, include_private: bool = False) -> pd.Series:
    """Actor id -> id shown in outputs (its pseudonym for a private actor).

    Examples
    --------
    >>> from instnet import Ecosystem
    >>> eco = Ecosystem.from_records(actors=[
    ...     {"id": "a", "name": "A", "kind": "enterprise", "private": "true"},
    ...     {"id": "b", "name": "B", "kind": "enterprise"}])
    >>> shown = display_ids(eco)
    >>> shown["a"] != "a", shown["b"]
    (True, 'b')
    """
    ids = pd.Series(eco.actors.index.to_numpy(dtype=object), index=eco.actors.index, dtype=object)
    if include_private:
        return ids
    codes = _codes(eco)
    if len(codes):
        ids = ids.copy()
        ids[codes.index] = codes.to_numpy(dtype=object)
    return ids


def display_names(eco: Ecosystem, *, include_private: bool = False) -> pd.Series:
    """Actor id -> name shown in outputs (its kind's label and "(private)" for a private actor).

    Examples
    --------
    >>> from instnet import Ecosystem
    >>> eco = Ecosystem.from_records(actors=[
    ...     {"id": "a", "name": "A", "kind": "broker", "private": "true"}])
    >>> display_names(eco).tolist()
    ['Network broker (private)']
    """
    names = eco.actors["name"].astype(object)
    if include_private:
        return names
    hide = eco.actors["private"].to_numpy(dtype=bool)
    if not hide.any():
        return names
    labels = [_("{kind} (private)").format(kind=_kind_label(k)) for k in eco.actors["kind"].to_numpy()[hide]]
    names = names.copy()
    names[hide] = labels
    return names


class Masker:
    """Apply the private-actor rule to ids, names, tables and JSON data of a command's output.

    Parameters
    ----------
    *ecosystems : Ecosystem
        The ecosystems the output speaks of (two for a comparison); an actor private
        in any of them is hidden, under the pseudonym of the first that has it.
    include_private : bool, default False
        Show everything as it is.
    typed : iterable of str, optional
        Ids the user typed: echoed back as they are (their names stay hidden).
    """

    def __init__(self, *ecosystems: Ecosystem, include_private: bool = False, typed: Iterable[str] = ()):
        self.include_private = include_private
        self._ids: dict[str, str] = {}
        self._names: dict[str, str] = {}
        if include_private:
            return
        for eco in ecosystems:
            private = eco.actors["private"].to_numpy(dtype=bool)
            if not private.any():
                continue
            shown_ids = display_ids(eco)[private]
            shown_names = display_names(eco)[private]
            for ident, pseudo, label in zip(shown_ids.index, shown_ids.to_numpy(), shown_names.to_numpy()):
                self._ids.setdefault(str(ident), str(pseudo))
                self._names.setdefault(str(ident), str(label))
        for ident in typed:
            if ident in self._ids:
                self._ids[ident] = ident

    def id(self, actor: Any) -> Any:
        """The id to show for ``actor`` (anything that is not a private id passes unchanged)."""
        return self._ids.get(actor, actor) if isinstance(actor, str) else actor

    def name(self, actor: str, name: Any = None) -> Any:
        """The name to show for ``actor`` (``name`` when it is not private)."""
        return self._names.get(actor, name)

    def ids(self, values: Iterable[Any]) -> list[Any]:
        """:meth:`id` of each value."""
        return [self.id(v) for v in values]

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``frame`` with id columns (:data:`ID_KEYS`) and the ``name`` beside them masked."""
        if not self._names or frame.empty:
            return frame
        out = frame.copy()
        owner = next((c for c in _NAME_OWNER if c in out.columns), None)
        if owner is not None and "name" in out.columns:
            own = out[owner].to_numpy(dtype=object)
            out["name"] = [self._names.get(o, n) if isinstance(o, str) else n
                           for o, n in zip(own, out["name"].to_numpy(dtype=object))]
        for col in out.columns:
            if col in ID_KEYS:
                out[col] = [self._masked(v) for v in out[col].to_numpy(dtype=object)]
        return out

    def data(self, value: Any) -> Any:
        """A copy of JSON-like ``value`` with every id key and the ``name`` beside it masked."""
        if not self._names:
            return value
        if isinstance(value, Mapping):
            out = {k: (self._masked(v) if k in ID_KEYS else self.data(v)) for k, v in value.items()}
            owner = next((k for k in _NAME_OWNER if isinstance(value.get(k), str)), None)
            if owner is not None and "name" in out:
                out["name"] = self._names.get(value[owner], out["name"])
                if value[owner] in self._names and "contact" in out:
                    out["contact"] = {}
            return out
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        if isinstance(value, pd.DataFrame):
            return self.frame(value)
        return value

    def _masked(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.id(v)
        if isinstance(v, list | tuple | np.ndarray):
            return [self._masked(x) for x in v]
        if isinstance(v, Mapping):
            return self.data(v)
        return v
