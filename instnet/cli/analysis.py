"""``instnet gaps`` and ``instnet refer`` (issue 4)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..i18n import _, format_decimal, format_int, format_percent, ngettext
from ..labels import column_label
from . import main
from .common import analysis_options, command_wrapper, emit, load, rich_table

if TYPE_CHECKING:
    from rich.console import Console


@main.command()
@analysis_options
@click.option("--by", "by", default="service", show_default=True, metavar="KEYS",
              help="Group by any of service,region,sector (comma-separated; '' for none).")
@click.option("--unmet", is_flag=True, help="List every unmet need (actor, service).")
@click.option("--fail-under", type=click.FloatRange(0.0, 1.0), default=None, metavar="RATIO",
              help="Exit 1 when overall coverage is below RATIO (e.g. 0.8).")
@command_wrapper
def gaps(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str,
         output: Path | None, by: str, unmet: bool, fail_under: float | None) -> None:
    """Service gaps: coverage of needs overall and per group, worst groups first."""
    from rich.markup import escape

    from ..analysis.core import Analysis
    from ..analysis.gaps import parse_by

    keys = parse_by(by)
    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    report = Analysis(eco, max_hops=max_hops).gaps(by=keys)
    data = report.to_dict(unmet=unmet)
    table = report.groups[[*keys, "needs", "served", "unmet", "coverage"]]
    if fmt == "csv" and unmet:
        table = report.unmet

    def render(console: Console) -> None:
        console.print(f"[bold]{escape(eco.name)}[/]: " + escape(
            _("{served} of {needs} needs served ({coverage}) within {hops} hops").format(
                served=format_int(report.served), needs=format_int(report.needs),
                coverage=format_percent(report.coverage, 1), hops=max_hops)
            + (_(", as of {year}").format(year=as_of) if as_of else "")), markup=True, highlight=False)
        if keys:
            shown = report.groups[[*keys, "needs", "served", "unmet", "coverage"]]
            if "service" in keys:  # the service's name beside its id
                shown = shown.assign(service=[f"{eco.services['name'].get(s, s)} ({s})" for s in shown["service"]])
            console.print(rich_table(shown,
                                     title=_("Coverage by {keys}").format(
                                         keys=", ".join(column_label(k) for k in keys))), markup=False)
        if unmet:
            names = eco.actors["name"]
            frame = report.unmet.assign(name=names.reindex(report.unmet["actor"].to_numpy()).to_numpy())
            console.print(rich_table(frame[["actor", "name", "service"]], title=_("Unmet needs")), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)
    if fail_under is not None and report.coverage < fail_under:
        click.echo(_("coverage {coverage} is below --fail-under {limit}").format(
            coverage=f"{report.coverage:.4f}", limit=fail_under), err=True)
        sys.exit(1)


@main.command()
@analysis_options
@click.argument("actor")
@click.argument("service")
@click.option("-k", "k", type=click.IntRange(1), default=3, show_default=True, help="Number of providers.")
@command_wrapper
def refer(dataset: str, ecosystem: str | None, as_of: int | None, max_hops: int, fmt: str,
          output: Path | None, actor: str, service: str, k: int) -> None:
    """The K best providers of SERVICE for ACTOR, each with its referral path."""
    from rich.markup import escape

    import pandas as pd

    from ..analysis import paths as ref_mod

    eco = load(dataset, ecosystem=ecosystem, as_of=as_of)
    refs = ref_mod.refer(eco, actor, service, k=k, max_hops=max_hops)
    missing = [] if refs else ref_mod.unreachable_providers(eco, actor, service, max_hops=max_hops)
    data = {"actor": actor, "service": service, "max_hops": max_hops,
            "referrals": [r.to_dict() for r in refs],
            "out_of_reach": [{"provider": u.provider, "name": u.name, "reason": u.reason, "hops": u.hops,
                              "detail": u.detail} for u in missing]}
    table = pd.DataFrame([{"rank": i + 1, "provider": r.provider, "hops": r.hops, "strength": r.strength,
                           "path": " > ".join(r.path)} for i, r in enumerate(refs)],
                         columns=["rank", "provider", "hops", "strength", "path"])
    names = eco.actors["name"]

    def render(console: Console) -> None:
        who = f"{names.at[actor]} ({actor})"
        what = f"{eco.services.at[service, 'name']} ({service})"
        if refs:
            console.print(f"[bold]{escape(who)}[/] " + escape(_("needs {service}:").format(service=what)),
                          markup=True, highlight=False)
            for i, r in enumerate(refs, 1):
                console.print(f"{i}. {names.at[r.provider]} ({r.provider}) — "
                              + ngettext("{n} hop, strength {strength}", "{n} hops, strength {strength}",
                                         r.hops).format(n=r.hops, strength=format_decimal(r.strength, 3)),
                              markup=False)
                for s in r.steps:
                    console.print(f"     {s.describe()}", markup=False)
        else:
            console.print(f"[bold]{escape(who)}[/] " + escape(
                _("cannot be referred to any provider of {service} within {hops} hops.").format(
                    service=what, hops=max_hops)), markup=True, highlight=False)
            if missing:
                console.print(_("Nearest providers out of reach:"), markup=False)
                for u in missing:
                    console.print(f"  - {u.name} ({u.provider}): {u.detail}", markup=False)
            else:
                console.print(_("Nobody offers this service."), markup=False)

    emit(fmt=fmt, output=output, data=data, table=table, render=render)
