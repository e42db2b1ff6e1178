"""The desk's Starlette application: configuration, safety middleware and rendering.

Every request passes :class:`Guard` first (Host allow-list, body cap, session,
login, Origin and CSRF checks on POST/PATCH); pages (:mod:`.pages`) and the JSON
API (:mod:`.api`) then answer from the :class:`~instnet.desk.state.DeskState`
in memory.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..i18n import _
from . import security
from .state import DeskState
from .web import DeskConfig, Renderer, security_headers

__all__ = ["DeskConfig", "create_app"]

_HERE = Path(__file__).parent
#: Paths reachable without a login when ``--users`` is in force.
PUBLIC_PATHS = ("/login", "/static/", "/healthz")


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
