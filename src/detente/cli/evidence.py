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
