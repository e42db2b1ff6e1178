"""``instnet gaps`` and ``instnet refer``."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _, format_decimal, format_int, format_percent, ngettext
from ..labels import column_label, label
from . import main
from .common import analysis_options, as_of_phrase, command_wrapper, emit, load, masker, rich_table
from .output import markup_safe, visible

if TYPE_CHECKING:
    from rich.console import Console

    from ..analysis.walkin import WalkIn


@main.command()
@analysis_options
@click.option("--by", "by", default="service", show_default=True, metavar="KEYS",
              help="Group by any of service,region,sector,reason (comma-separated; '' for none).")
@click.option("--unmet", is_flag=True, help="List every unmet need with the reason it is unmet.")
@click.option("--fail-under", type=click.FloatRange(0.0, 1.0), default=None, metavar="RATIO",
              help="Exit 1 when overall coverage is below RATIO (e.g. 0.8).")
@click.option("--weighted", is_flag=True,
              help=_("Also show coverage with each need weighted by 4 - priority (empty priority = 2)."))
@command_wrapper
def gaps(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str,
         output: Path | None, by: str, unmet: bool, fail_under: float | None, weighted: bool) -> None:
    """Service gaps: coverage of needs overall and per group, worst groups first."""
    from rich.markup import escape

    from ..analysis.core import Analysis
    from ..analysis.gaps import parse_by
    from ..analysis.reasons import REASONS

    keys = parse_by(by)
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    analysis = Analysis(eco, max_hops=max_hops)
    report = analysis.gaps(by=keys, reasons=unmet, weighted=weighted)
    data = report.to_dict(unmet=unmet)
    cols = [*keys, "needs", "served", "unmet", "coverage", *(("weighted_coverage",) if weighted else ())]
    table = report.groups[cols]
    names = eco.actors["name"]
    if unmet:
        unmet_table = report.unmet.assign(name=names.reindex(report.unmet["actor"].to_numpy()).to_numpy())
        unmet_table = unmet_table[["actor", "name", *[c for c in unmet_table.columns if c not in ("actor", "name")]]]
    if fmt == "csv" and unmet:
        table = unmet_table

    def render(console: Console) -> None:
        console.print(f"[bold]{markup_safe(eco.name)}[/]: " + escape(
            ngettext("{served} of {needs} need served ({coverage}) within {hops} hops",
                     "{served} of {needs} needs served ({coverage}) within {hops} hops", report.needs).format(
                served=format_int(report.served), needs=format_int(report.needs),
                coverage=format_percent(report.coverage, 1), hops=max_hops)
            + ", " + as_of_phrase(eco)), markup=True, highlight=False)
        if report.weighted_coverage is not None:
            console.print(_("weighted by priority (4 - priority, empty = 2): {coverage} of the needs' "
                            "weight served").format(coverage=format_percent(report.weighted_coverage, 1)),
                          markup=False)
        if keys:
            shown = report.groups[cols]
            if "service" in keys:  # the service's name beside its id
                shown = shown.assign(service=[f"{eco.services['name'].get(s, s)} ({s})" for s in shown["service"]])
            console.print(rich_table(shown,
                                     title=_("Coverage by {keys}").format(
                                         keys=", ".join(column_label(k) for k in keys))), markup=False)
        if unmet:
            console.print(rich_table(unmet_table, title=_("Unmet needs")))
            console.print(_("reason: {no_provider} = nobody offers the service; {out_of_scope} = no offer covers "
                            "the actor's region and sector; {no_path} = no referral route to a provider in "
                            "scope; {too_far} = the nearest one is hops links away, more than {max_hops}.").format(
                **{r: label("reason", r) for r in REASONS}, max_hops=max_hops), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=masker(eco))
    if fail_under is not None and report.coverage < fail_under:
        click.echo(_("coverage {coverage} is below --fail-under {limit}").format(
            coverage=f"{report.coverage:.4f}", limit=fail_under), err=True)
        sys.exit(1)


@main.command()
@analysis_options
@click.argument("ids", nargs=-1, metavar="ACTOR SERVICE")
@click.option("-k", "k", type=click.IntRange(1), default=3, show_default=True, help="Number of providers.")
@click.option("--walk-in", "walk_in", is_flag=True,
              help="The client is not in the dataset: describe it with --region, --sector and --via "
                   "and give only SERVICE.")
@click.option("--region", default="", help="Walk-in: the client's region.")
@click.option("--sector", default="", help="Walk-in: the client's sector.")
@click.option("--via", default="", metavar="ID[,ID]",
              help="Walk-in: the institutions or networks the client reaches first (your own, at a desk).")
@command_wrapper
def refer(dataset: str, ecosystem: str | None, as_of: int | str, max_hops: int, fmt: str,
          output: Path | None, ids: tuple[str, ...], k: int, walk_in: bool, region: str, sector: str,
          via: str) -> None:
    """The K best providers of SERVICE for ACTOR, each with its referral path.

    For a client who is not in the dataset: refer DATASET --walk-in --region R --sector S --via ID[,ID] SERVICE.
    """
    from rich.markup import escape

    import pandas as pd

    from ..analysis.core import Analysis
    from ..analysis.reasons import describe_reason
    from ..analysis.walkin import WalkIn
    from ..errors import UnknownIdError

    target = _refer_target(ids, walk_in=walk_in, region=region, sector=sector, via=via)
    service = ids[-1]
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    try:
        ans = Analysis(eco, max_hops=max_hops).answer(target, service, k=k)
    except UnknownIdError as exc:
        if exc.what == "actor" and not walk_in and type(exc) is UnknownIdError:  # not an inactive actor
            raise UnknownIdError(exc.what, exc.value, exc.suggestions, hint=_(
                "for a client who is not in the dataset, use --walk-in --region R --sector S --via ID")) from exc
        raise
    data = ans.to_dict()
    refs = ans.referrals
    m = masker(eco, typed=(target,) if isinstance(target, str) else ())
    table = pd.DataFrame([{"rank": i + 1, "provider": r.provider, "name": ans.names[r.provider], "hops": r.hops,
                           "strength": r.strength, "path": " > ".join(m.ids(r.path))} for i, r in enumerate(refs)],
                         columns=["rank", "provider", "name", "hops", "strength", "path"])

    def render(console: Console) -> None:
        if isinstance(target, WalkIn):
            who = visible(_("a walk-in client (region {region}, sector {sector})").format(
                region=target.region or "-", sector=target.sector or "-"))
        else:
            who = visible(f"{m.name(target, eco.actors.at[target, 'name'])} ({target})")
        what = visible(f"{eco.services.at[service, 'name']} ({service})")
        if refs:
            console.print(f"[bold]{escape(who)}[/] " + escape(_("needs {service}:").format(service=what))
                          + " (" + escape(as_of_phrase(eco)) + ")", markup=True, highlight=False)
            for i, r in enumerate(refs, 1):
                console.print(f"{i}. {m.name(r.provider, ans.names[r.provider])} ({m.id(r.provider)}) — "
                              + ngettext("{n} hop, strength {strength}", "{n} hops, strength {strength}",
                                         r.hops).format(n=r.hops, strength=format_decimal(r.strength, 3)),
                              markup=False)
                for step in r.steps:
                    console.print(f"     {replace(step, name=m.name(step.id, step.name)).describe()}", markup=False)
                console.print(f"     {_('path')}: {' > '.join(m.ids(r.path))}", markup=False)
                contact = "; ".join(v for v in ans.contacts[r.provider].values() if v)
                if contact:
                    console.print("     " + visible(_("contact: {contact}").format(contact=contact)), markup=False)
        else:
            console.print(f"[bold]{escape(who)}[/] " + escape(
                _("cannot be referred to any provider of {service} within {hops} hops.").format(
                    service=what, hops=max_hops)) + " " + escape(
                _("Why: {why} ({as_of}).").format(
                    why=describe_reason(ans.reason, ans.hops, max_hops=max_hops) if ans.reason else "",
                    as_of=as_of_phrase(eco))), markup=True, highlight=False)
        if ans.out_of_reach:
            console.print(_("Providers of the service out of reach:"), markup=False)
            for u in ans.out_of_reach:
                console.print(f"  - {m.name(u.provider, ans.names[u.provider])} ({m.id(u.provider)}): "
                              f"{label('reason', u.reason)} — {u.detail}", markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render, masker=m)


def _refer_target(ids: tuple[str, ...], *, walk_in: bool, region: str, sector: str, via: str) -> str | WalkIn:
    from ..analysis.walkin import WalkIn

    """ACTOR, or the walk-in described by the options; checks the positional arguments."""
    if not ids:  # click's own "Missing argument" message, as for any command
        ctx = click.get_current_context()
        param = next(p for p in ctx.command.params if p.name == "ids")
        raise click.MissingParameter(ctx=ctx, param=param, param_type="argument")
    if walk_in:
        if len(ids) != 1:
            raise click.UsageError(_("with --walk-in give only SERVICE (the client is described by "
                                     "--region, --sector and --via)"))
        parts = tuple(p.strip() for p in via.split(",") if p.strip())
        if not parts:
            raise click.UsageError(_("--walk-in needs --via ID[,ID]: the institutions the client reaches first"))
        return WalkIn(region=region.strip(), sector=sector.strip(), via=parts)
    if region or sector or via:
        raise click.UsageError(_("--region, --sector and --via describe a walk-in: add --walk-in"))
    if len(ids) != 2:
        raise click.UsageError(_("give ACTOR and SERVICE (or --walk-in ... SERVICE for a client who is "
                                 "not in the dataset)"))
    return ids[0]
