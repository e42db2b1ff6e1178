"""The one seam between instnet and the Neo4j driver.

:class:`Connection` owns a :class:`neo4j.Driver` configured from the environment
(``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``) and runs
named queries with parameters in managed transactions. Every failure of the
server or of the network becomes a :class:`~instnet.errors.Neo4jError` with one
clear line; the password is never part of a message, a ``repr`` or a log record.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j import exceptions as driver_errors

from ..i18n import _
from ..errors import Neo4jError

log = logging.getLogger(__name__)

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

T = TypeVar("T")


def redact_uri(uri: str) -> str:
    """``uri`` with any password in it replaced by ``***`` (for messages and logs).

    Examples
    --------
    >>> redact_uri("bolt://neo4j:s3cret@db.example.org:7687")
    'bolt://neo4j:***@db.example.org:7687'
    >>> redact_uri("bolt://localhost:7687")
    'bolt://localhost:7687'
    """
    try:
        parts = urllib.parse.urlsplit(uri)
    except ValueError:
        parts = None
    if parts is None or "@" not in parts.netloc:
        return uri if "@" not in uri else "***@" + uri.rsplit("@", 1)[1]
    userinfo, host = parts.netloc.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _uri_secret(uri: str) -> str:
    """The password written inside ``uri`` ('' when none)."""
    try:
        return urllib.parse.urlsplit(uri).password or ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class Settings:
    """Where and as whom to connect. No password (``password``, or one written
    inside ``uri``) ever appears in ``repr`` or in a message."""

    uri: str = field(default=DEFAULT_URI, repr=False)
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE

    def __repr__(self) -> str:
        return (f"Settings(uri={redact_uri(self.uri)!r}, user={self.user!r}, "
                f"database={self.database!r})")

    @property
    def safe_uri(self) -> str:
        """The URI as it may be shown (no password)."""
        return redact_uri(self.uri)

    def scrub(self, text: str) -> str:
        """``text`` with the URI and any password written inside it redacted."""
        text = text.replace(self.uri, self.safe_uri)
        secret = _uri_secret(self.uri)
        return text.replace(secret, "***") if secret else text

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the ``NEO4J_*`` variables (defaults in docs/neo4j.md).

        Raises
        ------
        Neo4jError
            If ``NEO4J_PASSWORD`` is missing or empty, or the URI scheme is unknown.

        Examples
        --------
        >>> s = Settings.from_env({"NEO4J_PASSWORD": "x"})
        >>> s.uri, s.user, s.database
        ('bolt://localhost:7687', 'neo4j', 'neo4j')
        >>> "x" in repr(s)
        False
        """
        env = os.environ if env is None else env
        password = env.get("NEO4J_PASSWORD", "")
        if not password:
            raise Neo4jError(
                _("NEO4J_PASSWORD is not set: export the password of your Neo4j user "
                  "(or run `eval \"$(instnet neo4j server start)\"` for the bundled server)")
            )
        settings = cls(
            uri=env.get("NEO4J_URI") or DEFAULT_URI,
            user=env.get("NEO4J_USER") or DEFAULT_USER,
            password=password,
            database=env.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Raise :class:`Neo4jError` if the URI scheme is not one Neo4j speaks."""
        scheme = self.uri.split("://", 1)[0] if "://" in self.uri else ""
        if scheme not in SCHEMES:
            raise Neo4jError(
                _("NEO4J_URI {uri!r} is not a Neo4j URI: use one of {schemes}").format(
                    uri=self.safe_uri, schemes=", ".join(f"{s}://" for s in SCHEMES))
            )


def _describe(exc: BaseException, settings: Settings) -> str:
    """One line saying what went wrong, without the password."""
    return settings.scrub(_explain(exc, settings))


def _explain(exc: BaseException, settings: Settings) -> str:
    if isinstance(exc, driver_errors.AuthError):
        return _("Neo4j at {uri} refused the credentials of user {user!r}: check NEO4J_USER and "
                 "NEO4J_PASSWORD").format(uri=settings.safe_uri, user=settings.user)
    if isinstance(exc, driver_errors.ServiceUnavailable | driver_errors.SessionExpired | OSError):
        return _("cannot reach Neo4j at {uri}: is the server running? (check NEO4J_URI, or start one with "
                 "`instnet neo4j server start`)").format(uri=settings.safe_uri)
    if isinstance(exc, driver_errors.ConfigurationError | ValueError):
        return _("cannot use NEO4J_URI {uri!r}: {error}").format(uri=settings.safe_uri, error=_first_line(exc))
    code = getattr(exc, "code", None) or ""
    if "DatabaseNotFound" in code:
        return _("Neo4j at {uri} has no database {database!r} (check NEO4J_DATABASE)").format(
            uri=settings.safe_uri, database=settings.database)
    if isinstance(exc, driver_errors.Neo4jError):
        return _("Neo4j query failed: {code}: {error}").format(code=code, error=_first_line(exc.message or exc))
    return _("Neo4j failed: {kind}: {error}").format(kind=type(exc).__name__, error=_first_line(exc))


def _first_line(obj: object) -> str:
    text = str(obj).strip()
    return text.splitlines()[0] if text else ""


class Connection:
    """A driver bound to one database; a context manager.

    Parameters
    ----------
    settings : Settings, optional
        Defaults to :meth:`Settings.from_env`.
    connection_timeout : float
        Seconds to wait for a TCP connection.
    max_retry_time : float
        Seconds managed transactions keep retrying transient failures.

    Examples
    --------
    >>> with Connection(Settings(password="x", uri="bolt://127.0.0.1:1")) as c:
    ...     c.settings.database
    'neo4j'
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        connection_timeout: float = 5.0,
        max_retry_time: float = 10.0,
    ) -> None:
        self.settings = Settings.from_env() if settings is None else settings
        self.settings.check()
        try:
            self.driver = neo4j.GraphDatabase.driver(
                self.settings.uri,
                auth=(self.settings.user, self.settings.password),
                connection_timeout=connection_timeout,
                max_transaction_retry_time=max_retry_time,
                user_agent="instnet",
                warn_notification_severity=neo4j.NotificationMinimumSeverity.OFF,
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            )
        except (driver_errors.ConfigurationError, ValueError) as exc:
            raise Neo4jError(_describe(exc, self.settings)) from exc
        self._verified = False

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Connection({self.settings!r})"

    def close(self) -> None:
        """Close the driver and its pooled connections."""
        self.driver.close()

    def verify(self) -> None:
        """Check that the server answers and accepts the credentials.

        Raises
        ------
        Neo4jError
            With one line naming the cause (credentials, unreachable, database).
        """
        if self._verified:
            return
        self.call(self.driver.verify_connectivity)  # no retries: unreachable fails fast
        self.call(lambda: self.driver.execute_query(
            "RETURN 1", routing_=neo4j.RoutingControl.READ, database_=self.settings.database))
        self._verified = True

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` and turn any driver or network failure into :class:`Neo4jError`."""
        try:
            return fn()
        except (driver_errors.DriverError, driver_errors.Neo4jError, OSError, ValueError) as exc:
            raise Neo4jError(_describe(exc, self.settings)) from exc

    def run(self, query: str, parameters: Mapping[str, Any] | None = None, *,
            write: bool = True) -> neo4j.EagerResult:
        """Run one query in a managed transaction and return its eager result.

        Parameters
        ----------
        query : str
            Cypher text (from :func:`instnet.neo4j.queries.query`): values are
            never pasted into it, they go in ``parameters``.
        parameters : mapping, optional
        write : bool
            Route as a write (default) or a read.
        """
        self.verify()
        routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
        return self.call(lambda: self.driver.execute_query(
            query, dict(parameters or {}), routing_=routing, database_=self.settings.database))

    def records(self, query: str, parameters: Mapping[str, Any] | None = None) -> list[dict]:
        """Run a read query and return its records as dicts."""
        return [r.data() for r in self.run(query, parameters, write=False).records]

    def write_tx(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run ``work(tx)`` in one managed write transaction (retried when transient)."""
        self.verify()

        def session_work() -> T:
            with self.driver.session(database=self.settings.database) as session:
                return session.execute_write(work)

        return self.call(session_work)


def connect(settings: Settings | None = None, **options: Any) -> Connection:
    """Open and verify a :class:`Connection` (settings from the environment by default).

    Raises
    ------
    Neo4jError
        If the password is missing, the server is unreachable or refuses the
        credentials.
    """
    conn = Connection(settings, **options)
    try:
        conn.verify()
    except Neo4jError:
        conn.close()
        raise
    return conn


def borrowed(connection: Connection | None) -> tuple[Connection, bool]:
    """``(connection, False)`` when one is given, else ``(connect(), True)``: whether the caller must close it."""
    if connection is not None:
        return connection, False
    return connect(), True
