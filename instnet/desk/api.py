"""The desk's JSON API: the same answers as the command line's ``--format json``.

``GET /api/refer`` (a client or a walk-in), ``GET /api/gaps``,
``GET /api/bottlenecks``, ``GET /api/referrals``, ``POST /api/referrals``,
``PATCH /api/referrals/ID``; ``GET /api/csrf`` hands a script the token its
POST and PATCH must carry in ``X-CSRF-Token``. Errors are ``{"error": message}``
(with ``suggestions`` for an unknown id) and the matching status code.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..analysis.gaps import parse_by
from ..errors import InstnetError, UnknownIdError
from ..i18n import _
from .web import DeskConfig, json_response
from .queries import ask, parse_int, referral_row
from .state import DeskState
from .store import UnknownReferralError

__all__ = ["routes"]


def _error(exc: InstnetError, status: int = 400) -> Response:
    body: dict[str, Any] = {"error": str(exc)}
    if isinstance(exc, UnknownIdError):
        body["suggestions"] = list(exc.suggestions)
    return json_response(body, status)


async def _json_body(request: Request) -> dict[str, Any] | Response:
    body = b""
    async for chunk in request.stream():
        body += chunk
    try:
        data = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return json_response({"error": _("the body is not JSON: {reason}").format(reason=exc)}, 400)
    if not isinstance(data, dict) or not all(isinstance(v, str | int | float) or v is None for v in data.values()):
        return json_response({"error": _("the body must be a JSON object of text values")}, 400)
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def routes(state: DeskState, config: DeskConfig) -> list[Route]:
    """The JSON routes of the desk."""

    async def refer(request: Request) -> Response:
        try:
            ans = ask(state, dict(request.query_params))
        except UnknownIdError as exc:
            if exc.what == "actor" and "via" not in request.query_params:
                exc = UnknownIdError(exc.what, exc.value, exc.suggestions, hint=_(
                    "for a client who is not in the dataset, ask with region, sector and via instead of actor"))
            return _error(exc)
        except InstnetError as exc:
            return _error(exc)
        return json_response(ans.to_json())

    async def gaps(request: Request) -> Response:
        try:
            by = parse_by(request.query_params.get("by", "service"))
        except InstnetError as exc:
            return _error(exc)
        report = state.analysis.gaps(by=by)
        data = report.to_dict(unmet=request.query_params.get("unmet", "") in ("1", "true", "yes"))
        data["as_of"] = state.eco.year
        return json_response(data)

    async def bottlenecks(request: Request) -> Response:
        try:
            top = parse_int(request.query_params, "top", 20, lo=1, hi=100000)
        except InstnetError as exc:
            return _error(exc)
        result = state.bottlenecks.get(wait=True)
        records = result.records(top)
        for r in records:
            r["name"] = state.name(r["id"])
        return json_response({"name": state.eco.name, "max_hops": state.max_hops, "as_of": state.eco.year,
                              "institutions": records})

    async def list_referrals(request: Request) -> Response:
        return json_response({"referrals": state.log.rows()})

    async def add_referral(request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        if "id" in body:
            return json_response({"error": _("the id is chosen by the desk; leave it out")}, 400)
        row, problems = referral_row(state, body)
        if problems:
            return json_response({"error": "; ".join(f"{c}: {m}" for c, m in problems),
                                  "problems": [{"column": c, "message": m} for c, m in problems]}, 400)
        return json_response(state.log.add(row), 201)

    async def patch_referral(request: Request) -> Response:
        rid = request.path_params["rid"]
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        extra = sorted(set(body) - {"status", "reason", "note"})
        if extra:
            return json_response({"error": _("only status, reason and note can change, not {columns}").format(
                columns=", ".join(extra))}, 400)
        try:
            old = state.log.get(rid)
        except UnknownReferralError as exc:
            return json_response({"error": str(exc)}, 404)
        _row, problems = referral_row(state, {**old, **body})
        if problems:
            return json_response({"error": "; ".join(f"{c}: {m}" for c, m in problems),
                                  "problems": [{"column": c, "message": m} for c, m in problems]}, 400)
        return json_response(state.log.update(rid, body))

    async def csrf(request: Request) -> Response:
        return json_response({"csrf": request.state.session.csrf})

    return [
        Route("/api/refer", refer, methods=["GET"]),
        Route("/api/gaps", gaps, methods=["GET"]),
        Route("/api/bottlenecks", bottlenecks, methods=["GET"]),
        Route("/api/referrals", list_referrals, methods=["GET"]),
        Route("/api/referrals", add_referral, methods=["POST"]),
        Route("/api/referrals/{rid}", patch_referral, methods=["PATCH"]),
        Route("/api/csrf", csrf, methods=["GET"]),
    ]
