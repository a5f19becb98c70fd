"""``detente report``: the one-page brief as a self-contained HTML (or PDF) file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from detente import api
from detente.cli.common import err_console, guard
from detente.cli.guards import SIMULATE_ESTIMATE_FROM, refuse_huge_deals, refuse_long_run
from detente.cli.options import FromOpt, ScenarioArg, YesOpt
from detente.errors import DetenteError
from detente.present.brief import html_to_pdf, render_html


@guard
def report(
    scenario: ScenarioArg = None,
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="File to write: .html (self-contained, opens offline) or .pdf "
        "(printed by headless Chromium, where installed).")] = Path("brief.html"),
    model: Annotated[list[str] | None, typer.Option(
        "--model", "-m", help="Model to include (repeatable). Default: every model but the "
        "ensemble.")] = None,
    draws: Annotated[int, typer.Option(
        "--draws", "-n", min=0, help="Monte Carlo draws for the fast models' distributions "
        "(0: no simulation).")] = 1000,
    interval_draws: Annotated[int, typer.Option(
        "--interval-draws", min=0, help="Monte Carlo draws per model for each forecast's "
        "median and 80% interval (0: points only). A scenario that states no uncertainty "
        "gets each model's interval from its errors on EU decisions instead.")
    ] = api.BRIEF_DRAWS,
    seed: Annotated[int, typer.Option(min=0, help="Seed: same seed, same brief.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    fmt: FromOpt = None,
    yes: YesOpt = False,
) -> None:
    """Write a one-page brief: where the settlement is likely to land, what would move it,
    and which packages every party could accept; every number with its source."""
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise DetenteError(f"{output}: expected a .html or .pdf file name")
    if output.exists() and not force:
        raise DetenteError(f"{output}: exists; pass --force to overwrite it")
    sc = api.load(scenario, format=fmt)
    refuse_huge_deals(api.estimate_deals(sc, packages=len(sc.proposals),
                                         package_draws=draws), yes)
    if draws > SIMULATE_ESTIMATE_FROM and not yes:
        # the whole brief's cost (its Monte Carlo, the plans over the draws, the rest once)
        started = time.perf_counter()
        cost = api.report_cost(sc, models=model or None, draws=draws,
                               interval_draws=interval_draws)
        refuse_long_run(float(cost.seconds(draws)), f"{draws:,} draws of the brief", yes,
                        timed=time.perf_counter() - started, warm=cost.warm)
    page = render_html(api.brief(sc, models=model or None, draws=draws, seed=seed,
                                 interval_draws=interval_draws))
    if suffix == ".pdf":
        html_to_pdf(page, output)
    else:
        api.write_text(output, page)
    err_console.print(f"wrote {output}")
