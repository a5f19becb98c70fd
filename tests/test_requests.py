"""Request objects (issue 30, item 1): one frozen declaration per operation with its
constraints, validated once, errors naming the field in the caller's words (the CLI's
flags only in the CLI), and the keyword calls of the Python API still working."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import click
import numpy as np
import pytest
import typer.main

import detente
from detente import api
from detente.cli.common import in_flags
from detente.cli.main import app
from detente.errors import DetenteError, OptionError
from detente.requests import Execution, SimulationRequest

SRC = Path(detente.__file__).resolve().parent


def test_a_request_is_a_frozen_value_checked_once_with_every_default():
    req = SimulationRequest()
    assert req.draws == 10_000 and req.execution == Execution()
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.draws = 5  # type: ignore[misc]
    assert SimulationRequest(models=["median"]).models == ("median",)  # lists become tuples
    assert SimulationRequest(quantiles=[0.5]) == SimulationRequest(quantiles=(0.5,))


@pytest.mark.parametrize(("options", "message"), [
    ({"draws": 0}, "draws must be an integer >= 1 (got 0)"),
    ({"draws": 1.5}, "draws must be an integer >= 1 (got 1.5)"),
    ({"seed": -1}, "seed must be None or an integer >= 0 (got -1)"),
    ({"bins": 0, "block_size": 0}, "block_size must be an integer >= 1 (got 0); "
                                   "bins must be an integer >= 1 (got 0)"),
    ({"quantiles": [0.5, 2]}, "quantiles must be numbers in 0..1 (got [0.5, 2])"),
    ({"workers": 0}, "workers must be None or an integer >= 1 (got 0)"),
    ({"engine": "cloud"}, "engine must be one of local, processes, dask or an Engine"),
])
def test_errors_name_the_field_in_pythons_words(options, message):
    with pytest.raises(OptionError) as err:
        SimulationRequest.of(**options)
    assert str(err.value).startswith(message)
    assert "--" not in str(err.value)


def test_options_go_to_the_declaration_that_has_them():
    req = SimulationRequest.of(draws=100, workers=2, chunk_size=64)
    assert (req.draws, req.execution.workers, req.execution.chunk_size) == (100, 2, 64)
    again = SimulationRequest.of(req, seed=7)  # a base request, changed
    assert (again.draws, again.seed, again.execution.workers) == (100, 7, 2)
    whole = SimulationRequest.of(execution=Execution(engine="processes"), workers=3)
    assert (whole.execution.engine, whole.execution.workers) == ("processes", 3)
    with pytest.raises(OptionError, match="unknown option\\(s\\) drawz; SimulationRequest "
                                          "takes models, params, draws"):
        SimulationRequest.of(drawz=5)


def test_keyword_calls_build_the_request_they_name(ukraine):
    by_words = detente.simulate(ukraine, ["compromise"], draws=300, seed=3, keep_draws=True)
    request = SimulationRequest(models=("compromise",), draws=300, seed=3, keep_draws=True)
    by_request = detente.simulate(ukraine, request=request)
    assert np.array_equal(by_words.dataset["outcome"].values,
                          by_request.dataset["outcome"].values)
    with pytest.raises(DetenteError, match="draws must be an integer >= 1"):
        detente.simulate(ukraine, draws=0)
    from detente.uncertainty import simulate  # the implementation takes the same words

    direct = simulate(ukraine, request=request)
    assert np.array_equal(direct.dataset["outcome"].values, by_request.dataset["outcome"].values)


def _command(name: str) -> click.Command:
    root = typer.main.get_command(app)
    return root.get_command(click.Context(root), name)  # type: ignore[attr-defined]


def test_only_the_cli_spells_a_field_as_its_flag():
    error = OptionError("{draws} must be 1 or more; {models} and {params} and {chunk_size}; "
                        "pass {force:force=True} {{not a field}}")
    assert str(error) == ("draws must be 1 or more; models and params and chunk_size; "
                          "pass force=True {not a field}")
    assert error.fields == ("draws", "models", "params", "chunk_size", "force")
    with click.Context(_command("simulate")):
        assert in_flags(error) == ("--draws must be 1 or more; --model and --param and "
                                   "--chunk-size; pass --force {not a field}")
    with click.Context(_command("proposals")):
        assert in_flags(OptionError("{amend_rule} x")) == "--amend x"


def test_the_cli_prints_an_option_error_with_its_flag(tmp_path):
    from typer.testing import CliRunner

    target = tmp_path / "u.yaml"
    target.write_text("x")
    res = CliRunner().invoke(app, ["convert", "ukraine-2025-11", str(target)])
    assert res.exit_code == 1 and "exists; pass --force to overwrite it" in res.output
    with pytest.raises(OptionError, match="exists; pass force=True to overwrite it"):
        api.convert("ukraine-2025-11", target)


# the layers below the CLI that no longer speak in flags (more join as their lanes move)
NO_FLAGS = ["api", "requests", "constraints.py", "engines/execution.py", "outlook/run.py",
            "deals/proposal_report.py", "deals/cost.py",
            "uncertainty/simulate.py", "models/registry.py"]


def test_no_cli_flag_in_a_message_below_the_cli():
    flag = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    found = []
    for part in NO_FLAGS:
        root = SRC / part
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = {id(node.body[0].value) for node in ast.walk(tree)
                    if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Module)
                    and node.body and isinstance(node.body[0], ast.Expr)}
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docs and flag.search(node.value)):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:60]}")
    assert not found, found


def test_a_deal_request_routes_the_problems_options_to_the_problem(ukraine):
    from detente.requests import DealProblemRequest, DealRequest

    req = DealRequest.of(utility="quadratic", acceptance="at-least", robust=0, draws=4)
    assert req.problem == DealProblemRequest(utility="quadratic", acceptance="at_least")
    assert (req.robust, req.draws) == (0, 4)
    with pytest.raises(OptionError, match="robust must be None or an integer >= 0"):
        DealRequest.of(robust=-1)
    by_words = api.analyse_deals(ukraine, utility="quadratic", robust=0)
    by_request = api.analyse_deals(ukraine, request=DealRequest.of(utility="quadratic",
                                                                   robust=0))
    assert by_words.to_dict() == by_request.to_dict()
    assert by_words.to_dict() != api.analyse_deals(ukraine, robust=0).to_dict()


def test_the_deals_package_takes_the_problems_options_by_their_declaration(ukraine):
    from detente import deals
    from detente.requests import DealProblemRequest

    request, rest = DealProblemRequest.take({"utility": "quadratic", "top": 2})
    assert request == DealProblemRequest(utility="quadratic") and rest == {"top": 2}
    with pytest.raises(TypeError):  # an option neither the problem nor phase knows
        deals.phase_deal(ukraine, "tomahawks=conditional", utility="quadratic", topp=2)


def test_a_proposal_request_nests_its_problem_and_checks_its_options(ukraine):
    from detente.requests import DealProblemRequest, ProposalRequest

    req = ProposalRequest.of(draws=40, utility="quadratic", acceptance="at-least",
                             models=["median"], amend_rule="nash")
    assert req.problem == DealProblemRequest(utility="quadratic", acceptance="at_least")
    assert (req.draws, req.models, req.amend_rule) == (40, ("median",), "nash")
    with pytest.raises(OptionError, match=r"draws must be an integer >= 0 \(got -1\)"):
        ProposalRequest.of(draws=-1)
    with pytest.raises(OptionError, match="amendment rule 'odd': expected one of fewest, nash"):
        ProposalRequest.of(amend_rule="odd")
    by_words = api.proposals(ukraine, draws=30, seed=2, models=[], amend_rule="nash")
    by_request = api.proposals(ukraine, request=ProposalRequest.of(
        draws=30, seed=2, models=[], amend_rule="nash"))
    assert by_words.to_dict() == by_request.to_dict()
    assert by_words.to_dict() != api.proposals(ukraine, draws=30, seed=2, models=[]).to_dict()


def test_an_outlook_request_routes_where_it_runs_to_its_execution(ukraine):
    from detente.requests import OutlookRequest

    req = OutlookRequest.of(months=12, paths=300, workers=2, chunk_size=64,
                            parties=["russia", "ukraine"])
    assert req.execution == Execution(workers=2, chunk_size=64)
    assert (req.months, req.paths, req.parties) == (12, 300, ("russia", "ukraine"))
    for options, message in (
            ({"months": 601}, r"months must be 1 to 600 \(got 601\)"),
            ({"paths": 0}, r"paths must be 1 to 10,000,000 \(got 0\)"),
            ({"lookahead": 121.0}, r"lookahead must be 0 to 120 months \(got 121.0\)"),
            ({"coverage": 0.0}, r"coverage must be a number in \(0, 1\] \(got 0.0\)"),
            ({"workers": 0}, r"workers must be None or an integer >= 1 \(got 0\)")):
        with pytest.raises(OptionError, match=message):
            OutlookRequest.of(**options)
    small = {"months": 6, "paths": 64, "drivers": False, "seed": 3}
    by_words = api.outlook(ukraine, **small, workers=1)
    by_request = api.outlook(ukraine, request=OutlookRequest.of(**small, chunk_size=16))
    assert by_words.to_dict() == by_request.to_dict()  # where it runs changes no number


def test_the_outlook_cli_spells_the_requests_field_as_its_flag():
    from typer.testing import CliRunner

    res = CliRunner().invoke(app, ["outlook", "--no-drivers", "--hold-months", "601"])
    assert res.exit_code == 1
    assert "--hold-months must be 0 to 600 (got 601)" in res.output
    with pytest.raises(OptionError, match=r"^hold_months must be 0 to 600 \(got 601\)$"):
        api.outlook(hold_months=601)


# ---- logrolls, phase and pressures: requests like the others (issue 30, session 4) ----------

def test_broker_requests_route_the_problems_options_and_check_their_own():
    from detente.requests import LogrollRequest, PhaseRequest, PressureRequest

    for kind in (LogrollRequest, PhaseRequest, PressureRequest):
        req = kind.of(utility="quadratic", batna={"UKR": 0.2})
        assert req.problem.utility == "quadratic" and req.problem.batna == {"UKR": 0.2}
    assert LogrollRequest.of(actors=["UKR"]).actors == ("UKR",)
    with pytest.raises(OptionError) as bad:
        PhaseRequest.of(robust=-1, top=-2)
    assert str(bad.value) == ("top must be an integer >= 0 (got -2); robust must be None or "
                              "an integer >= 0 (got -1)")
    with pytest.raises(OptionError, match=r"unknown option\(s\) robust; PressureRequest"):
        PressureRequest.of(robust=5)


def test_phase_and_logrolls_take_their_request_whole(ukraine):
    from detente.requests import LogrollRequest, PhaseRequest

    by_keywords = api.phase(ukraine, top=2, robust=0)  # the Nash deal
    by_request = api.phase(ukraine, request=PhaseRequest(top=2, robust=0))
    assert by_request.to_dict() == by_keywords.to_dict()
    assert len(by_request.plans) <= 2
    found = api.logrolls(ukraine, request=LogrollRequest(actors=("UKR",), robust=0))
    assert found.to_dict() == api.logrolls(ukraine, actors=["UKR"], robust=0).to_dict()
    assert all("UKR" in (r.a, r.b) for r in found.logrolls)


def test_each_shock_replaces_the_requests_own_shocks(ukraine, monkeypatch):
    from types import SimpleNamespace

    from detente.deals import pressures
    from detente.requests import DealProblemRequest

    seen = []

    def analysed(problem):  # the analysis itself is the deals tests' business
        seen.append((problem.shocks, problem.utility))
        return SimpleNamespace(problem=problem, zopa=SimpleNamespace(size=0),
                               solution=lambda name: None)

    monkeypatch.setattr(pressures, "analyse", analysed)
    first = ukraine.shocks[0].id
    rows = pressures.shock_effects(ukraine, DealProblemRequest(shocks=(first,),
                                                               utility="quadratic"))
    assert seen == [((), "quadratic"), *(((k.id,), "quadratic") for k in ukraine.shocks)]
    assert [r["shock"] for r in rows] == [None, *(k.id for k in ukraine.shocks)]


@pytest.mark.parametrize(("command", "argv", "kind", "fields"), [
    ("phase", ["phase", "--deal", "donetsk=0", "--top", "2", "--robust", "0",
               "--batna", "UKR=0.2"], "PhaseRequest",
     {"deal": "donetsk=0", "top": 2, "robust": 0}),
    ("logrolls", ["logrolls", "--actor", "UKR", "--robust", "7", "--seed", "3"],
     "LogrollRequest", {"actors": ("UKR",), "robust": 7, "seed": 3}),
    ("pressures", ["pressures", "--deal", "donetsk=0", "--utility", "quadratic"],
     "PressureRequest", {"deal": "donetsk=0"}),
])
def test_the_cli_builds_the_request_and_the_facade_gets_it_whole(monkeypatch, command, argv,
                                                                  kind, fields):
    from typer.testing import CliRunner

    seen = {}

    def stand_in(scenario, *, request=None, **rest):
        seen.update(request=request, rest=rest)
        raise DetenteError("stopped here")

    monkeypatch.setattr(api, command, stand_in)
    res = CliRunner().invoke(app, argv)
    assert "stopped here" in res.output, res.output
    req = seen["request"]
    assert type(req).__name__ == kind
    assert {k: getattr(req, k) for k in fields} == fields
    assert set(seen["rest"]) <= {"format"}  # nothing but where the file is read from
    if command == "phase":
        assert req.problem.batna == {"UKR": 0.2}
    if command == "pressures":
        assert req.problem.utility == "quadratic"
