"""``detente capabilities``, ``detente baserates`` and ``detente evidence backtest``.

The heavy packages (pandas readers, statsmodels, scikit-learn) are imported inside the
commands, so ``detente --version`` and ``--help`` do not pay for them.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import console, err_console, guard, show
from detente.cli.options import FromOpt, ScenarioArg, TableJsonOpt
from detente.cli.options import OutputFormat as OutputFormat

app = typer.Typer(help="Evidence from real wars: termination models scored on later years.",
                  no_args_is_help=True)

DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="Folder of the war data sets (default: shared/data/war "
                 "beside the repository, or $DETENTE_WAR_DATA)."),
]


class Measure(enum.StrEnum):
    cinc = "cinc"
    milex = "milex"
    milper = "milper"
    irst = "irst"
    pec = "pec"
    tpop = "tpop"
    upop = "upop"


class NonState(enum.StrEnum):
    keep = "keep"
    members = "members"


class Scale(enum.StrEnum):
    total = "total"
    share = "share"


@guard
def capabilities(
    scenario: ScenarioArg = None,
    cinc: Annotated[int, typer.Option("--cinc", help="Year of the COW NMC data to use.")] = ...,  # type: ignore[assignment]
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the scenario with the new "
                                  "capabilities here (atomic; --force to overwrite).")
    ] = None,
    measure: Annotated[
        Measure, typer.Option(help="cinc, or one of its six components' world share.")
    ] = Measure.cinc,
    non_state: Annotated[
        NonState, typer.Option("--non-state", help="Actors that are not states: keep them "
                               "as given, or sum their cow_members' values.")
    ] = NonState.keep,
    scale: Annotated[
        Scale, typer.Option(help="total: keep the replaced actors' sum (ratios from the "
                            "data); share: raw shares of the world total.")
    ] = Scale.total,
    components: Annotated[
        bool, typer.Option("--components", help="Show the six component shares.")
    ] = False,
    data: DataOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    fmt: TableJsonOpt = OutputFormat.table,
    from_format: FromOpt = None,
) -> None:
    """Capabilities from the Correlates of War (CINC): state actors matched by cow_code,
    name or alias; each new value cites the data set and year as its source."""
    from detente import api
    from detente.present.evidence import capability_view

    report = api.capabilities(scenario, year=cinc, measure=measure.value,
                              non_state=non_state.value, scale=scale.value, data=data,
                              format=from_format)
    if fmt is OutputFormat.json:
        console.print_json(json.dumps(report.to_dict()))
    else:
        show(capability_view(report, components=components))
    if output is not None:
        api.save(report.scenario, output, force=force)
        err_console.print(f"wrote {output}", highlight=False)


class ConflictType(enum.StrEnum):
    interstate = "interstate"
    intrastate = "intrastate"
    internationalized = "internationalized"
    extrasystemic = "extrasystemic"


class Incompatibility(enum.StrEnum):
    territory = "territory"
    government = "government"
    both = "both"


@guard
def baserates(
    scenario: Annotated[
        str | None, typer.Argument(help="Scenario with a conflict: block (default: the "
                                   "bundled one, unless facts are given below).")
    ] = None,
    type_: Annotated[
        ConflictType | None, typer.Option("--type", help="UCDP type of conflict.")
    ] = None,
    incompatibility: Annotated[
        Incompatibility | None, typer.Option(help="What is fought over.")
    ] = None,
    intensity: Annotated[
        int | None, typer.Option(min=1, max=2, help="1: 25–999 battle deaths a year; "
                                 "2: 1,000 or more.")
    ] = None,
    years_fought: Annotated[
        float | None, typer.Option("--years-fought", min=0, help="Years fought so far.")
    ] = None,
    major_power: Annotated[
        bool | None, typer.Option("--major-power/--no-major-power",
                                  help="Whether a COW major power fights.")
    ] = None,
    capability_ratio: Annotated[
        float | None, typer.Option(min=1, help="Stronger side's CINC over the weaker's.")
    ] = None,
    min_cases: Annotated[
        int, typer.Option(min=1, help="Widen the class until this many cases match.")
    ] = 10,
    min_at_risk: Annotated[
        int, typer.Option(min=1, help="... and this many lasted as long as this conflict.")
    ] = 5,
    cases: Annotated[bool, typer.Option("--cases/--no-cases", help="List the cases.")] = True,
    limit: Annotated[
        int | None, typer.Option(min=1, help="List at most N cases per class (longest).")
    ] = None,
    data: DataOpt = None,
    fmt: TableJsonOpt = OutputFormat.table,
    from_format: FromOpt = None,
) -> None:
    """The outside view: historical cases like this conflict, how long they lasted
    (Kaplan–Meier), how they ended, and P(ending within 6/12/24 months | lasted so far)."""
    from detente import api
    from detente.present.evidence import baserates_view

    months = None if years_fought is None else 12 * years_fought
    rates = api.baserates(
        scenario, type=type_.value if type_ else None,
        incompatibility=incompatibility.value if incompatibility else None,
        intensity=intensity, months_fought=months, major_power=major_power,
        capability_ratio=capability_ratio, min_cases=min_cases, min_at_risk=min_at_risk,
        data=data, format=from_format)
    if fmt is OutputFormat.json:
        console.print_json(json.dumps(rates.to_dict(), default=str))
    else:
        show(baserates_view(rates, cases=cases, limit=limit))


@app.command("backtest")
@guard
def backtest(
    file: Annotated[Path, typer.Argument(help="A UCDP armed conflict file (conflict-years) "
                                         "or a GML militarized dispute file.")],
    split_year: Annotated[
        int, typer.Option("--split-year", help="Fit on years up to this one; score the later "
                          "years.")
    ] = ...,  # type: ignore[assignment]
    bootstrap: Annotated[
        int, typer.Option(min=10, help="Bootstrap replicates (clustered by conflict).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    participants: Annotated[
        Path | None, typer.Option(help="A dispute file's participants (default: "
                                  "gml_mid_participants.csv beside it).")
    ] = None,
    figure: Annotated[
        Path | None, typer.Option(help="Write the reliability diagram (HTML) here.")
    ] = None,
    data: DataOpt = None,
    fmt: TableJsonOpt = OutputFormat.table,
) -> None:
    """Termination models fitted on years <= --split-year, scored on later years against
    the reference-class base rate (Brier, log score, calibration, n, with intervals)."""
    from detente import api
    from detente.present.evidence import backtest_view

    result = api.evidence_backtest(file, split_year=split_year, bootstrap=bootstrap,
                                   seed=seed, participants=participants, data=data)
    if fmt is OutputFormat.json:
        console.print_json(json.dumps(result.to_dict()))
    else:
        show(backtest_view(result))
    if figure is not None:
        from detente.present.figures import reliability

        fig = reliability({m.name: m.calibration for m in result.models})
        api.write_text(figure, fig.to_html(include_plotlyjs=True, full_html=True))
        err_console.print(f"wrote {figure}", highlight=False)
