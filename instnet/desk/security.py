"""The desk's safety rules: users and passwords, sessions, Host, Origin, CSRF, body size.

* **Users** live in a text file (``--users FILE``), one ``name:hash`` per line;
  the hash is scrypt (stdlib :func:`hashlib.scrypt`, n=2**14, r=8, p=1, 16-byte
  salt) written as ``scrypt$n$r$p$salt$key`` (base64). ``instnet serve adduser``
  writes it; a password is never printed or logged.
* **Sessions** are random tokens kept in memory (a restart logs everyone out);
  the cookie is ``HttpOnly`` and ``SameSite=Strict``. Every visitor gets a
  session, logged in or not, because the CSRF token lives in it.
* **Host allow-list**: a request whose ``Host`` is not the bound address,
  ``localhost``, ``127.0.0.1`` or a name given with ``--allow-host`` is refused
  with 400 (DNS rebinding).
* **Origin check and CSRF token** on every POST and PATCH: ``Origin`` (or, when
  absent, ``Referer``) must be the app's own origin, and the form field ``csrf``
  or the header ``X-CSRF-Token`` must equal the session's token; otherwise 403.
* **Bodies** are capped (:data:`MAX_BODY`): a larger one gets 413 before it is read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError
from ..i18n import _
from ..io.outfile import atomic_file

__all__ = ["MAX_BODY", "Session", "Sessions", "add_user", "csrf_ok", "hash_password", "host_allowed",
           "read_users", "same_origin", "user_of", "verify_password"]

#: Largest request body accepted, in bytes.
MAX_BODY = 64 * 1024
SESSION_COOKIE = "instnet_session"
SESSION_SECONDS = 12 * 3600
#: Sessions kept at most; expired ones, then the oldest, make room for new ones.
MAX_SESSIONS = 20000
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
_USER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """The scrypt hash of ``password`` with a fresh random salt.

    Examples
    --------
    >>> h = hash_password("correct horse")
    >>> h.startswith("scrypt$16384$8$1$"), verify_password("correct horse", h), verify_password("x", h)
    (True, True, False)
    """
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(key)}"


_DUMMY = "scrypt$16384$8$1$" + _b64(b"\0" * 16) + "$" + _b64(b"\0" * 32)


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches the stored hash (constant time; None: an unknown user).

    An unknown user costs the same scrypt work as a known one, so timing does
    not tell which user names exist.
    """
    try:
        scheme, n, r, p, salt, key = (stored or _DUMMY).split("$")
        want = base64.b64decode(key)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(want), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return scheme == "scrypt" and stored is not None and hmac.compare_digest(got, want)


def read_users(path: str | Path) -> dict[str, str]:
    """Read a users file (``name:hash`` per line; ``#`` comments and blank lines ignored).

    Raises
    ------
    UsageError
        If the file is missing, unreadable, empty or has a malformed line (its number named).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "users"
    >>> _ = p.write_text("ann:" + hash_password("pw") + "\\n")
    >>> list(read_users(p))
    ['ann']
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(_("cannot read the users file {path}: {reason}").format(
            path=path, reason=getattr(exc, "strerror", None) or exc)) from exc
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, stored = line.partition(":")
        parts = stored.split("$")
        if not sep or not _valid_name(name) or len(parts) != 6 or parts[0] != "scrypt":
            raise UsageError(_("{path}, line {line}: expected 'name:scrypt$...' as written by "
                               "'instnet serve adduser'").format(path=path, line=number))
        users[name] = stored
    if not users:
        raise UsageError(_("the users file {path} has no users; add one with 'instnet serve adduser'").format(
            path=path))
    return users


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= 64 and set(name) <= _USER_CHARS


def add_user(path: str | Path, name: str, password: str) -> None:
    """Add ``name`` to the users file (or change its password), writing the file atomically.

    Raises
    ------
    UsageError
        If the name has characters other than letters, digits, ``._@-``, or the
        password is shorter than 8 characters.
    """
    if not _valid_name(name):
        raise UsageError(_("a user name is 1-64 letters, digits or . _ @ -"))
    if len(password) < 8:
        raise UsageError(_("the password must have at least 8 characters"))
    path = Path(path)
    users = read_users(path) if path.exists() and path.stat().st_size else {}
    users[name] = hash_password(password)
    with atomic_file(path) as handle:
        handle.write("# instnet desk users: name:scrypt hash (made by 'instnet serve adduser')\n")
        for user, stored in users.items():
            handle.write(f"{user}:{stored}\n")


def host_allowed(host_header: str, allowed: Iterable[str]) -> bool:
    """True when the ``Host`` header names an allowed host (any port).

    Examples
    --------
    >>> host_allowed("127.0.0.1:8765", {"127.0.0.1", "localhost"}), host_allowed("evil.example", {"localhost"})
    (True, False)
    >>> host_allowed("[::1]:80", {"::1"})
    True
    """
    host = host_header.strip().lower()
    if host.startswith("["):
        name = host[1:host.find("]")] if "]" in host else host
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return bool(name) and name in {h.lower() for h in allowed}


def same_origin(origin: str | None, referer: str | None, *, scheme: str, host_header: str) -> bool:
    """True when ``Origin`` (else ``Referer``) is the app's own ``scheme://host``.

    Examples
    --------
    >>> same_origin("http://127.0.0.1:8765", None, scheme="http", host_header="127.0.0.1:8765")
    True
    >>> same_origin("http://evil.example", None, scheme="http", host_header="127.0.0.1:8765")
    False
    >>> same_origin(None, "http://127.0.0.1:8765/refer?x=1", scheme="http", host_header="127.0.0.1:8765")
    True
    >>> same_origin(None, None, scheme="http", host_header="127.0.0.1:8765")
    False
    """
    own = f"{scheme}://{host_header}".lower()
    if origin:
        return origin.strip().lower() == own
    if referer:
        parts = urlsplit(referer.strip())
        return f"{parts.scheme}://{parts.netloc}".lower() == own
    return False


@dataclass
class Session:
    """One visitor: the CSRF token of its forms and, once logged in, the user."""

    token: str
    csrf: str
    user: str | None = None
    expires: float = field(default_factory=lambda: time.time() + SESSION_SECONDS)


class Sessions:
    """Sessions kept in memory, keyed by their random cookie token."""

    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, token: str | None) -> Session | None:
        """The live session of a cookie token, or None."""
        if not token:
            return None
        with self._lock:
            got = self._by_token.get(token)
            if got is not None and got.expires < time.time():
                del self._by_token[token]
                return None
            return got

    def new(self, user: str | None = None) -> Session:
        """A fresh session (a new token on every login: no session fixation)."""
        s = Session(token=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), user=user)
        with self._lock:
            if len(self._by_token) >= MAX_SESSIONS:
                now = time.time()
                for token in [t for t, old in self._by_token.items() if old.expires < now]:
                    del self._by_token[token]
                # visitors who have not logged in go first, oldest first: a flood of requests
                # without a cookie (each gets a session) must not log the users out
                excess = len(self._by_token) - MAX_SESSIONS + 1
                for token in [t for t, old in self._by_token.items() if old.user is None][:max(excess, 0)]:
                    del self._by_token[token]
                while len(self._by_token) >= MAX_SESSIONS:  # then the oldest
                    del self._by_token[next(iter(self._by_token))]
            self._by_token[s.token] = s
        return s

    def drop(self, token: str) -> None:
        """End a session (log out)."""
        with self._lock:
            self._by_token.pop(token, None)


def csrf_ok(session: Session | None, sent: str | None) -> bool:
    """True when ``sent`` equals the session's CSRF token (constant time)."""
    return session is not None and bool(sent) and hmac.compare_digest(session.csrf, str(sent))


def user_of(users: Mapping[str, str] | None, session: Session | None) -> str | None:
    """The logged-in user of a session (None when not logged in or no users are configured)."""
    if users is None or session is None:
        return None
    return session.user if session.user in users else None
