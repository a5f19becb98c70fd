"""Shared fixtures: paths to the reference data beside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(f"reference data not found at {DATA}: clone the repository beside shared/")
    return DATA


@pytest.fixture(scope="session")
def ukraine():
    import detente

    return detente.load("ukraine-2025-11")


def assert_load_names(tmp_path: Path, data: dict, field: str, found: str) -> None:
    """Loading ``data`` from a YAML file fails with an error naming the file, the field
    and what was found, each problem located on its line (the bad-input tests of the war
    language and of the costs of fighting share it)."""
    import yaml

    import detente
    from detente.scenario import ScenarioError

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(ScenarioError) as err:
        detente.load(str(path))
    text = str(err.value)
    assert "bad.yaml" in text and field in text and found in text
    assert all(p.line is not None for p in err.value.problems)


@pytest.fixture(scope="session")
def ukraine_plain(ukraine):
    """The bundled scenario with every stated uncertainty removed (positions, saliences,
    capabilities, and any scenario-wide range)."""
    from detente.scenario import Scenario

    data = ukraine.to_dict()
    for stance in data["stances"]:
        stance.pop("position_uncertainty", None)
        stance.pop("salience_uncertainty", None)
    for actor in data["actors"]:
        actor.pop("capability_uncertainty", None)
    data.pop("uncertainty", None)
    return Scenario.from_dict(data)


HOSTILE = ("<script>alert(1)</script> [bold red]x[/bold red] [/] :100: "
           "[link=file:///etc/passwd]click[/link] \x1b[31mRED\x1b[0m \x1b]0;owned\x07 end")
"""Issue 19: HTML, Rich markup, an emoji code, a terminal hyperlink and raw escape sequences
(colour, window title) in one piece of user text."""


def hostile_dict(text: str = HOSTILE) -> dict:
    """The bundled scenario's canonical data with every text field (ids included) holding
    ``text`` (each kept unique by its original value)."""
    import detente

    data = detente.load("ukraine-2025-11").to_dict()
    actor = {a["id"]: f"{a['id']} {text}" for a in data["actors"]}
    issue = {i["id"]: f"{i['id']} {text}" for i in data["issues"]}
    # the CSV format separates a stance's sources with ';', so source ids go without it
    source = {s["id"]: f"{s['id']} {text}".replace(";", ",") for s in data["sources"]}
    data["name"], data["title"], data["description"] = text, text, text
    for s in data["sources"]:
        s.update(id=source[s["id"]], title=text, publisher=text, note=text)
    for a in data["actors"]:
        a.update(id=actor[a["id"]], name=text, description=text)
        if "bloc" in a:
            a["bloc"] = text
    for i in data["issues"]:
        i.update(id=issue[i["id"]], name=text, description=text)
        i["anchors"] = {v: f"{v} {text}" for v in i.get("anchors", {})}
        i["options"] = {f"{name} {text}": v for name, v in i.get("options", {}).items()}
    for st in data["stances"]:
        st.update(actor=actor[st["actor"]], issue=issue[st["issue"]], evidence=text)
        st["sources"] = [source[s] for s in st.get("sources", [])]
    _hostile_structure(data, text, actor, issue, source)
    return data


def _hostile_structure(data: dict, text: str, actor: dict, issue: dict, source: dict) -> None:
    """The scenario structure (control, vetoes, red lines, linkages, blocs, pressures,
    capability per issue, guarantors, beneficiaries, who lifts sanctions) is left out:
    every reference to a renamed id would repeat ``text``, whose unbalanced brackets then
    exceed the YAML reader's bracket-depth guard (a quote-blind upper bound). Hostile text
    in the structure is covered by tests/structure."""
    for key in ("blocs", "linkages", "pressures", "shocks", "proposals", "conflict", "fronts"):
        data.pop(key, None)  # proposals likewise (hostile plan titles: tests/proposals)
    for i in data["issues"]:
        for key in ("controlled_by", "vetoes", "no_agreement", "stops_fighting", "fronts",
                    "no_agreement_band", "guarantors", "beneficiaries", "lifted_by"):
            i.pop(key, None)
    for a in data["actors"]:
        a.pop("batna_pressure", None)
        a.pop("capability_by_issue", None)
        a.pop("expectations", None)  # of the pressures, left out above
    for st in data["stances"]:
        st.pop("red_lines", None)


@pytest.fixture(scope="session")
def hostile():
    from detente.scenario import Scenario

    return Scenario.from_dict(hostile_dict())


# ---- databases: SQLite and PostgreSQL (the store's and the server's tests) -------------
# PostgreSQL comes from ``$DETENTE_TEST_PG_URL`` (a server URL, e.g. the throwaway
# cluster ``scripts/test.sh`` starts); each test gets a fresh database on it. When
# ``$DETENTE_TEST_PG_REQUIRED`` or ``$CI`` is set, a missing URL fails the PostgreSQL
# tests instead of skipping them.
PG_ENV = "DETENTE_TEST_PG_URL"


def pg_required() -> bool:
    return bool(os.environ.get("DETENTE_TEST_PG_REQUIRED") or os.environ.get("CI"))


def _pg_database(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"detente_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        message = (f"PostgreSQL tests need ${PG_ENV} (scripts/test.sh or scripts/test_pg.sh "
                   "start a throwaway cluster and set it)")
        if pg_required():
            pytest.fail(message)
        pytest.skip(message)
    yield from _pg_database(base)


def huge_scenario_dict() -> dict:
    """20 issues of 5 options, 6 actors: 5^20 ≈ 9.5e13 deals (days of work); the deal
    guards of the CLI and the web refuse it on its size."""
    return {
        "name": "huge", "as_of": "2025-01-01",
        "sources": [{"id": "s", "title": "t", "note": "n"}],
        "actors": [{"id": f"A{a}", "capability": 10 + a, "batna": 0.1} for a in range(6)],
        "issues": [{"id": f"i{k}", "scale": [0, 100], "status_quo": 50} for k in range(20)],
        "stances": [{"actor": f"A{a}", "issue": f"i{k}", "position": (37 * a + 11 * k) % 101,
                     "salience": 0.5, "sources": ["s"]} for a in range(6) for k in range(20)],
    }


SRC = str(REPO / "src")


def modules_after(code: str, *, timeout: float = 300) -> list[str]:
    """The modules a fresh interpreter holds after running ``code`` (detente from this
    tree's ``src``): for tests that a path never imports something heavy (numba, SciPy)."""
    code += "\nimport json as _json, sys as _sys\nprint(_json.dumps(sorted(_sys.modules)))\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}, check=True,
                         timeout=timeout)
    return json.loads(run.stdout.strip().splitlines()[-1])


def without_numba(loaded: list[str]) -> bool:
    """Whether none of ``loaded`` is numba or one of its modules."""
    return not [m for m in loaded if m == "numba" or m.startswith("numba.")]
