"""What the desk's pages and API share with the application: configuration, templates, headers, JSON.

:mod:`instnet.desk.app` assembles the application from :mod:`instnet.desk.pages`
and :mod:`instnet.desk.api`; both build on this module, which imports neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..io.jsontext import json_text
from ..i18n import _, current_language, format_date, format_decimal, format_int, format_percent, ngettext
from ..labels import label
from . import security
from .state import DeskState

__all__ = ["DeskConfig", "PAGE_CSP", "Renderer", "environment", "json_response", "security_headers"]

_HERE = Path(__file__).parent
#: Content-Security-Policy of the desk's own pages: no script at all, styles from the app.
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")


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


def security_headers(csp: str = PAGE_CSP) -> dict[str, str]:
    return {"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


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
    """A JSON answer with the desk's headers (NaN written as null); ``data`` may be JSON text already."""
    body = data if isinstance(data, str) else json_text(data)
    return Response(body, status_code=status, media_type="application/json", headers=security_headers())
