"""The desk's pages: server-rendered HTML that works without JavaScript.

Find a client or describe a walk-in, choose a service, see the providers with
their paths and contacts (and the ones out of reach, with the reason), print a
slip, record the referral and later update its status; coverage with
drill-down, bottlenecks and the map.
"""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..analysis.walkin import WalkIn
from ..errors import InstnetError, UnknownIdError
from ..i18n import _
from ..io.referral_log import DECLINE_REASONS, STATUSES
from . import security
from .web import DeskConfig, Renderer, security_headers
from .queries import ask, referral_row, step_sentences, target_of
from .state import DeskState
from .store import UnknownReferralError

__all__ = ["routes"]

#: Unmet needs listed when drilling into one cell of the coverage table.
CELL_LIMIT = 100
#: Providers that cannot take the client, listed on the referral page (nearest first).
OUT_OF_REACH_SHOWN = 10


class FormRefused(Exception):
    """A form without the session's CSRF token."""


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded body of a POST, after checking its CSRF token."""
    body = b""
    async for chunk in request.stream():
        body += chunk
    form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    if not security.csrf_ok(request.state.session, form.get("csrf")):
        raise FormRefused()
    return form


def routes(state: DeskState, config: DeskConfig, render: Renderer) -> list[Route]:
    """The page routes of the desk."""

    def error_page(request: Request, exc: InstnetError, status: int = 400) -> HTMLResponse:
        suggestions = list(getattr(exc, "suggestions", ()))
        return render.page(request, "error.html", status=status, message=str(exc), suggestions=suggestions)

    def refused(request: Request) -> Response:
        return render.page(request, "error.html", status=403, suggestions=[],
                           message=_("refused: the form is out of date or does not come from this desk; "
                                     "go back, reload and try again"))

    async def home(request: Request) -> Response:
        q = request.query_params.get("q", "")
        found = state.search.find(q) if q.strip() else []
        rows = [_client_row(state, a) for a in found]
        return render.page(request, "home.html", q=q, found=rows, searched=bool(q.strip()))

    async def client(request: Request) -> Response:
        actor = request.query_params.get("id", "")
        if actor not in state.eco.actors.index or state.eco.actors.at[actor, "kind"] not in ("enterprise", "network"):
            from ..errors import suggest

            return error_page(request, UnknownIdError("client", actor, suggest(actor, state.search.ids())))
        needs = state.paths.iloc[state.need_rows(actor)]
        return render.page(request, "client.html", client=_client_row(state, actor),
                           needs=[{"service": s, "name": state.service_name(s), "served": bool(ok),
                                   "provider": state.name(p) if p else ""}
                                  for s, ok, p in zip(needs["service"], needs["served"], needs["provider"])])

    async def refer_page(request: Request) -> Response:
        params = dict(request.query_params)
        try:
            ans = ask(state, params, limit=OUT_OF_REACH_SHOWN)
            target = target_of(params)
            out = list(ans.out_of_reach)
        except InstnetError as exc:
            return error_page(request, exc)
        client = _target_view(state, target)
        providers = []
        for rank, r in enumerate(ans.referrals, 1):
            providers.append({"rank": rank, "id": r.provider, "name": ans.names[r.provider], "hops": r.hops,
                              "strength": r.strength, "contact": ans.contacts[r.provider],
                              "steps": step_sentences(state, r, client["name"]),
                              "via": ";".join(r.path[1:-1]),
                              "slip": "/slip?" + urlencode({**_target_params(target), "service": ans.service,
                                                            "provider": r.provider})})
        return render.page(request, "refer.html", client=client, target=_target_params(target),
                           service={"id": ans.service, "name": state.service_name(ans.service)},
                           providers=providers, out=[{"name": ans.names.get(u.provider) or state.name(u.provider),
                                                      "reason": u.reason, "hops": u.hops, "detail": u.detail}
                                                     for u in out],
                           reason=ans.reason, reason_hops=ans.hops, today=date.today().isoformat())

    async def slip(request: Request) -> Response:
        params = dict(request.query_params)
        size = "a5" if params.get("size") == "a5" else "a4"
        try:
            ans = ask(state, {**params, "k": str(50)})
            target = target_of(params)
        except InstnetError as exc:
            return error_page(request, exc)
        provider = params.get("provider", "")
        chosen = next((r for r in ans.referrals if r.provider == provider), None)
        if chosen is None:
            return error_page(request, UnknownIdError("provider", provider, [r.provider for r in ans.referrals]))
        client = _target_view(state, target)
        return render.page(request, "slip.html", size=size, client=client, referral=None,
                           service={"id": ans.service, "name": state.service_name(ans.service)},
                           provider={"name": ans.names[provider], "contact": ans.contacts[provider]},
                           steps=step_sentences(state, chosen, client["name"]),
                           date=date.today().isoformat(), broker="", query=urlencode(params))

    async def record(request: Request) -> Response:
        try:
            form = await _form(request)
        except FormRefused:
            return refused(request)
        row, problems = referral_row(state, form)
        if problems:
            return render.page(request, "error.html", status=400, suggestions=[],
                               message="; ".join(f"{c}: {m}" for c, m in problems))
        stored = state.log.add(row)
        return RedirectResponse(f"/referrals/{stored['id']}", status_code=303)

    async def referrals(request: Request) -> Response:
        rows = [_referral_view(state, r) for r in reversed(state.log.rows())]
        dataset = [_referral_view(state, r) for r in state.eco_referrals()]
        return render.page(request, "referrals.html", rows=rows, dataset=dataset, statuses=STATUSES,
                           reasons=DECLINE_REASONS)

    async def referral(request: Request) -> Response:
        rid = request.path_params["rid"]
        try:
            row = state.log.get(rid)
        except UnknownReferralError as exc:
            return error_page(request, exc, 404)
        return render.page(request, "referral.html", r=_referral_view(state, row), statuses=STATUSES,
                           reasons=DECLINE_REASONS)

    async def referral_slip(request: Request) -> Response:
        rid = request.path_params["rid"]
        size = "a5" if request.query_params.get("size") == "a5" else "a4"
        try:
            row = state.log.get(rid)
        except UnknownReferralError as exc:
            return error_page(request, exc, 404)
        view = _referral_view(state, row)
        return render.page(request, "slip.html", size=size, client={"name": view["client"], "detail": ""},
                           referral=view, service={"id": row["service"], "name": view["service_name"]},
                           provider={"name": view["provider_name"], "contact": view["contact"]},
                           steps=view["steps"], date=row["date"], broker=row["broker"], query="")

    async def update_status(request: Request) -> Response:
        rid = request.path_params["rid"]
        try:
            form = await _form(request)
        except FormRefused:
            return refused(request)
        try:
            old = state.log.get(rid)
        except UnknownReferralError as exc:
            return error_page(request, exc, 404)
        changes = {k: form[k] for k in ("status", "reason", "note") if k in form}
        if changes.get("status", old["status"]) != "declined":
            changes["reason"] = ""
        _row, problems = referral_row(state, {**old, **changes})
        if problems:
            return render.page(request, "error.html", status=400, suggestions=[],
                               message="; ".join(f"{c}: {m}" for c, m in problems))
        state.log.update(rid, changes)
        return RedirectResponse(f"/referrals/{rid}", status_code=303)

    async def gaps(request: Request) -> Response:
        g = state.gaps
        rows = g.groups.head(500).to_dict("records")
        for r in rows:
            r["service_name"] = state.service_name(r["service"])
            r["link"] = "/gaps/cell?" + urlencode({"service": r["service"], "region": r["region"] or ""})
        return render.page(request, "gaps.html", report=g, rows=rows, total=len(g.groups))

    async def gaps_cell(request: Request) -> Response:
        service = request.query_params.get("service", "")
        region = request.query_params.get("region", "")
        unmet = state.unmet_in(service, region)
        rows = []
        for actor in unmet[:CELL_LIMIT]:
            ans = state.why_unmet(actor, service)
            rows.append({"actor": actor, "name": state.name(actor), "reason": ans.reason, "hops": ans.hops,
                         "link": "/refer?" + urlencode({"actor": actor, "service": service})})
        return render.page(request, "gaps_cell.html", service={"id": service, "name": state.service_name(service)},
                           region=region, rows=rows, total=len(unmet), limit=CELL_LIMIT)

    async def bottlenecks(request: Request) -> Response:
        result = state.bottlenecks.get()
        if result is None:
            return render.page(request, "wait.html", what=_("Bottlenecks"))
        rows = result.records(20)
        for r in rows:
            r["name"] = state.name(r["id"])
        return render.page(request, "bottlenecks.html", rows=rows)

    async def map_page(request: Request) -> Response:
        if state.map_page.get() is None:
            return render.page(request, "wait.html", what=_("Map"))
        return render.page(request, "map.html")

    async def map_embed(request: Request) -> Response:
        html = state.map_page.get()
        if html is None:
            return render.page(request, "wait.html", what=_("Map"))
        headers = security_headers(csp=_map_csp(html))
        return HTMLResponse(html, headers=headers)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return render.page(request, "login.html", failed=False)
        try:
            form = await _form(request)
        except FormRefused:
            return refused(request)
        name, password = form.get("user", ""), form.get("password", "")
        stored = (config.users or {}).get(name)
        if config.users is None or not security.verify_password(password, stored):
            return render.page(request, "login.html", status=403, failed=True)
        config.sessions.drop(request.state.session.token)
        session = config.sessions.new(user=name)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(security.SESSION_COOKIE, session.token, max_age=security.SESSION_SECONDS,
                            httponly=True, samesite="strict", path="/")
        return response

    async def logout(request: Request) -> Response:
        try:
            await _form(request)
        except FormRefused:
            return refused(request)
        config.sessions.drop(request.state.session.token)
        response = RedirectResponse("/login" if config.users is not None else "/", status_code=303)
        response.delete_cookie(security.SESSION_COOKIE, path="/")
        return response

    return [
        Route("/", home, methods=["GET"]),
        Route("/client", client, methods=["GET"]),
        Route("/refer", refer_page, methods=["GET"]),
        Route("/slip", slip, methods=["GET"]),
        Route("/referrals", referrals, methods=["GET"]),
        Route("/referrals", record, methods=["POST"]),
        Route("/referrals/{rid}", referral, methods=["GET"]),
        Route("/referrals/{rid}/slip", referral_slip, methods=["GET"]),
        Route("/referrals/{rid}/status", update_status, methods=["POST"]),
        Route("/gaps", gaps, methods=["GET"]),
        Route("/gaps/cell", gaps_cell, methods=["GET"]),
        Route("/bottlenecks", bottlenecks, methods=["GET"]),
        Route("/map", map_page, methods=["GET"]),
        Route("/map/embed", map_embed, methods=["GET"]),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]


def _map_csp(html: str) -> str:
    """The map page's own policy (scripts by hash), which may be framed by the desk only."""
    start = html.find('content="', html.find('http-equiv="Content-Security-Policy"')) + len('content="')
    policy = unescape(html[start:html.find('"', start)])
    return policy + "; frame-ancestors 'self'"


def _client_row(state: DeskState, actor: str) -> dict[str, Any]:
    a = state.eco.actors
    return {"id": actor, "name": state.name(actor), "kind": str(a.at[actor, "kind"]),
            "region": str(a.at[actor, "region"]), "sector": str(a.at[actor, "sector"])}


def _target_view(state: DeskState, target: str | WalkIn) -> dict[str, Any]:
    if isinstance(target, WalkIn):
        via = ", ".join(state.name(v) for v in target.via)
        return {"id": "", "name": _("Walk-in client"), "walk_in": True,
                "detail": _("region {region}, sector {sector}, reached through {via}").format(
                    region=target.region or "-", sector=target.sector or "-", via=via)}
    row = _client_row(state, target)
    return {**row, "walk_in": False, "detail": ", ".join(x for x in (row["region"], row["sector"]) if x)}


def _target_params(target: str | WalkIn) -> dict[str, str]:
    if isinstance(target, WalkIn):
        return {"region": target.region, "sector": target.sector, "via": ",".join(target.via)}
    return {"actor": target}


def _referral_view(state: DeskState, row: dict[str, str]) -> dict[str, Any]:
    eco = state.eco
    known = row["actor"] in eco.actors.index
    provider_known = row["provider"] in eco.actors.index
    path = [row["actor"], *[v for v in row["via"].split(";") if v], row["provider"]]
    names = [state.name(p) if p in eco.actors.index else (_("Walk-in client") if i == 0 else p)
             for i, p in enumerate(path)]
    return {**row, "client": names[0] if known else _("Walk-in client ({id})").format(id=row["actor"]),
            "service_name": state.service_name(row["service"]),
            "provider_name": state.name(row["provider"]) if provider_known else row["provider"],
            "contact": state.contact(row["provider"]) if provider_known else {},
            "steps": [_("then {name}").format(name=n) for n in names[1:]]}
