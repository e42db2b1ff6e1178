"""The desk's Starlette application: configuration, safety middleware and rendering.

Every request passes :class:`Guard` first (Host allow-list, body cap, session,
login, Origin and CSRF checks on POST/PATCH); pages (:mod:`.pages`) and the JSON
API (:mod:`.api`) then answer from the :class:`~instnet.desk.state.DeskState`
in memory.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..i18n import _, current_language, format_date, format_decimal, format_int, format_percent, ngettext
from ..labels import label
from . import security
from .state import DeskState

__all__ = ["DeskConfig", "create_app"]

_HERE = Path(__file__).parent
#: Content-Security-Policy of the desk's own pages: no script at all, styles from the app.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")
#: Paths reachable without a login when ``--users`` is in force.
PUBLIC_PATHS = ("/login", "/static/", "/healthz")


@dataclass(frozen=True)
class DeskConfig:
    """How the desk was started.

    Attributes
    ----------
    host : str
        The bound address (the ``Host`` allow-list starts from it).
    allow_hosts : tuple of str
        Extra host names accepted in ``Host``.
    users : mapping of str to str, optional
        User name -> password hash; None: no login (loopback only).
    max_body : int
        Largest request body, in bytes.
    """

    host: str = "127.0.0.1"
    allow_hosts: tuple[str, ...] = ()
    users: Mapping[str, str] | None = None
    max_body: int = security.MAX_BODY
    sessions: security.Sessions = field(default_factory=security.Sessions, compare=False)

    @property
    def hosts(self) -> frozenset[str]:
        """Every host name a request may address."""
        return frozenset({self.host, "localhost", "127.0.0.1", "::1", *self.allow_hosts})


def environment() -> jinja2.Environment:
    """The desk's jinja2 environment: autoescape everywhere, gettext for every string."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_HERE / "templates")), autoescape=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext=lambda m: _(m), ngettext=lambda s, p, n: ngettext(s, p, n),
                                  newstyle=True)
    # codes of a fixed vocabulary show their label, numbers the locale's digits
    env.filters.update(label=lambda code, vocabulary: label(vocabulary, code), int=format_int,
                       decimal=format_decimal, percent=format_percent, day=_day)
    return env


def _day(value: object) -> str:
    """An ISO date (``YYYY-MM-DD``, as the log stores it) for the language in force; other text as is."""
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


class Guard:
    """ASGI middleware applying the safety rules before any route runs."""

    def __init__(self, app: ASGIApp, config: DeskConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        api = request.url.path.startswith("/api/")
        host = request.headers.get("host", "")
        if not security.host_allowed(host, self.config.hosts):
            await _refuse(400, _("this desk does not answer to the host {host!r}").format(host=host), api)(
                scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.config.max_body):
            await _refuse(413, _("the request body is too large"), api)(scope, receive, send)
            return
        session = self.config.sessions.get(request.cookies.get(security.SESSION_COOKIE))
        # a JSON GET needs no session of its own (no form, nothing to protect): none is made for it
        wanted = not (api and request.method == "GET" and request.url.path != "/api/csrf")
        fresh = session is None and wanted
        if fresh:
            session = self.config.sessions.new()
        scope.setdefault("state", {})
        scope["state"]["session"] = session
        scope["state"]["user"] = security.user_of(self.config.users, session)
        refused = self._check(request, session, api)
        send_with_cookie = _with_cookie(send, session.token) if fresh and session is not None else send
        if refused is not None:
            await refused(scope, receive, send_with_cookie)
            return
        await self.app(scope, _capped(receive, self.config.max_body), send_with_cookie)

    def _check(self, request: Request, session: security.Session | None, api: bool) -> Response | None:
        path = request.url.path
        if self.config.users is not None and not path.startswith(PUBLIC_PATHS) \
                and security.user_of(self.config.users, session) is None:
            if api or request.method != "GET":
                return _refuse(401, _("log in first"), api)
            return RedirectResponse("/login", status_code=303)
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            if not security.same_origin(request.headers.get("origin"), request.headers.get("referer"),
                                        scheme=request.url.scheme, host_header=request.headers.get("host", "")):
                return _refuse(403, _("refused: the request does not come from this desk"), api)
            if not api and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                return None  # the form's own token is checked by the page once the body is read
            if not security.csrf_ok(session, request.headers.get("x-csrf-token")):
                return _refuse(403, _("refused: the CSRF token is missing or wrong"), api)
        return None


def _refuse(status: int, message: str, api: bool) -> Response:
    if api:
        return JSONResponse({"error": message}, status_code=status, headers=security_headers())
    return PlainTextResponse(message, status_code=status, headers=security_headers())


def security_headers(csp: str = PAGE_CSP) -> dict[str, str]:
    return {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


def _with_cookie(send: Send, token: str) -> Send:
    cookie = (f"{security.SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; "
              f"Max-Age={security.SESSION_SECONDS}").encode("latin-1")

    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = dict(message)
            message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
        await send(message)

    return wrapped


class BodyTooLarge(Exception):
    """A streamed request body went past the cap."""


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> dict:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


class Renderer:
    """Renders the desk's templates with the values every page shares."""

    def __init__(self, state: DeskState, config: DeskConfig) -> None:
        self.env = environment()
        self.state = state
        self.config = config

    def page(self, request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
        session: security.Session = request.state.session
        html = self.env.get_template(template).render(
            lang=current_language(), csrf=session.csrf, user=request.state.user,
            login=self.config.users is not None, eco=self.state.eco, state=self.state, path=request.url.path,
            **values)
        return HTMLResponse(html, status_code=status, headers=security_headers())


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON answer with the desk's headers (NaN written as null)."""
    body = json.dumps(data, ensure_ascii=False, default=_json_default, allow_nan=True)
    body = body.replace("NaN", "null")
    return Response(body, status_code=status, media_type="application/json", headers=security_headers())


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if value is None or str(value) == "<NA>":
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def create_app(state: DeskState, config: DeskConfig | None = None) -> ASGIApp:
    """The desk as an ASGI application (serve it with uvicorn).

    Parameters
    ----------
    state : DeskState
        The analysed ecosystem (:func:`instnet.desk.state.prepare`).
    config : DeskConfig, optional
        Bound host, extra host names, users; default: loopback without login.

    Returns
    -------
    ASGI application
    """
    from . import api, pages

    config = config or DeskConfig()
    render = Renderer(state, config)
    routes = [
        *pages.routes(state, config, render),
        *api.routes(state, config),
        Route("/healthz", lambda request: PlainTextResponse("ok"), methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(_HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={
        BodyTooLarge: lambda request, exc: _refuse(413, _("the request body is too large"),
                                                   request.url.path.startswith("/api/")),
        404: lambda request, exc: _refuse(404, _("no such page"), request.url.path.startswith("/api/")),
        405: lambda request, exc: _refuse(405, _("method not allowed"), request.url.path.startswith("/api/")),
    })
    return Guard(app, config)
