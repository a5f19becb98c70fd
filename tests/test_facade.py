"""The facade (detente.api): its shape (documented, keyword parameters) and the checks it
does once for every surface (CLI, web, notebooks)."""

from __future__ import annotations

import inspect

import pytest

from detente import api
from detente.errors import DetenteError, ModelInputError


def _functions():
    return [(name, getattr(api, name)) for name in api.__all__
            if inspect.isfunction(getattr(api, name))]


@pytest.mark.parametrize(("name", "fn"), _functions())
def test_every_facade_function_is_documented_and_keyword_parameterised(name, fn):
    assert (fn.__doc__ or "").strip(), f"api.{name} has no docstring"
    positional = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    # what (a scenario, files, a path), maybe one more (models, a target): the rest by keyword
    assert len(positional) <= 2, f"api.{name}: {[p.name for p in positional]} positional"


def test_parse_params_and_pairs():
    assert api.parse_params(["eum.q=0.5", "eum.rounds=8", "nash.x=text"]) == {
        "eum": {"q": 0.5, "rounds": 8}, "nash": {"x": "text"}}
    with pytest.raises(DetenteError, match=r"MODEL\.NAME=VALUE"):
        api.parse_params(["q=0.5"])
    assert api.parse_pairs(["russia=0.2"], "--batna") == {"russia": 0.2}
    with pytest.raises(DetenteError, match="--drop 'russia': expected ACTOR=NUMBER"):
        api.parse_pairs(["russia"], "--drop")


def test_parameters_for_a_model_not_run_are_an_error(ukraine):
    with pytest.raises(DetenteError, match="model\\(s\\) not run: eum"):
        api.forecast(ukraine, ["median"], params={"eum": {"q": 0.5}})
    with pytest.raises(DetenteError, match="not run: nash"):
        api.sensitivity(ukraine, "compromise", params={"nash": {}}, samples=4)


def test_check_reports_every_models_needs(tmp_path, ukraine):
    data = ukraine.to_dict()
    for issue in data["issues"]:
        issue.pop("status_quo", None)
        issue.pop("no_agreement", None)  # labels the status quo, so goes with it
    bare = tmp_path / "bare.yaml"
    api.save(type(ukraine).from_dict(data), bare)
    assert api.check(bare).scenarios[0].name == ukraine.name
    needy = [m.name for m in api.list_models() if m.needs_status_quo]
    assert needy, "some model needs a status quo"
    with pytest.raises(ModelInputError) as err:
        api.check(bare, models=["median", *needy])
    # one problem per issue and model that needs a status quo
    assert len(err.value.problems) == len(ukraine.issues) * len(needy)


def test_convert_and_new_scenario_refuse_to_overwrite(tmp_path):
    target = tmp_path / "u.csv"
    assert api.convert(None, target) == target
    with pytest.raises(DetenteError, match="exists; pass force=True"):
        api.convert(None, target)
    assert api.convert("ukraine-2025-11", target, force=True) == target
    path = api.new_scenario("drill", tmp_path / "drill.yaml")
    assert api.check(path).scenarios[0].name == "drill"
    with pytest.raises(DetenteError, match="without slashes"):
        api.new_scenario("two/words")


def test_logrolls_keep_the_named_actors_and_name_the_unknown(ukraine):
    every = api.logrolls(ukraine)
    mine = api.logrolls(ukraine, actors=["UKR"])
    assert 0 < len(mine) <= len(every)
    assert all("UKR" in (r.a, r.b) for r in mine.logrolls)
    with pytest.raises(DetenteError, match="unknown actor\\(s\\) nobody"):
        api.logrolls(ukraine, actors=["nobody"])


def test_exchanges_keep_the_log_and_round_one_candidates(ukraine):
    run = api.exchanges(ukraine, rounds=3, candidates=True)
    data = run.to_dict()
    assert data["exchanges"] and data["candidates"]
    assert len(data["outcome_per_round"]["donetsk"]) == 4  # the start and three rounds
    assert "candidates" not in api.exchanges(ukraine, rounds=1).to_dict()
    with pytest.raises(DetenteError, match="variant='odd'"):
        api.exchanges(ukraine, variant="odd")


LONGEST = 60  # lines, docstring included (issue 30: the facade delegates, it does not compute)


def test_every_function_of_the_facade_is_short():
    import ast
    from pathlib import Path

    lengths = {}
    for path in sorted(Path(api.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lengths[f"{path.name}:{node.name}"] = node.end_lineno - first + 1
    assert lengths, "no function found in detente/api/"
    long = {k: n for k, n in lengths.items() if n >= LONGEST}
    assert not long, f"over {LONGEST - 1} lines: {long}"


def test_the_facade_imports_the_genius_reader_only_to_read_a_genius_negotiation():
    """``import detente.api`` (every `detente forecast`) does not load the GENIUS reader
    (defusedxml, xml.etree, fractions: 0.04 CPU s, issue 31); a deal call on a GENIUS
    folder does."""
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[1] / "src")
    code = ("import sys, detente.api\n"
            "print('detente.formats.genius' in sys.modules)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}, check=False,
                         timeout=120)
    assert run.stdout.split() == ["False"], run.stderr


def test_a_genius_negotiation_is_read_once_and_kept(ukraine, tmp_path):
    from detente.formats.genius import GeniusDomain
    from detente.genius_export import write_genius

    write_genius(ukraine, tmp_path)
    domain = api.load_deal_source(tmp_path)
    assert isinstance(domain, GeniusDomain)
    assert api.load_deal_source(domain) is domain and api.load_deal_source(ukraine) is ukraine
