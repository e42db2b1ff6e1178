"""The referral desk: ``instnet serve DATASET``, a local web application for brokers.

:func:`~instnet.desk.state.prepare` analyses an ecosystem once;
:func:`~instnet.desk.app.create_app` turns that state into a Starlette
application (pages in :mod:`.pages`, JSON in :mod:`.api`, safety rules in
:mod:`.security`); referrals are kept by a store of :mod:`.store`.
"""

from __future__ import annotations

from .app import DeskConfig, create_app
from .state import DeskState, prepare
from .store import Neo4jLog, SqliteLog

__all__ = ["DeskConfig", "DeskState", "Neo4jLog", "SqliteLog", "create_app", "prepare"]
