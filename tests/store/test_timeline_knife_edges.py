"""Knife-edge flags reach the timeline (issue 28): each version's move from the one before
is flagged exactly as ``history diff`` flags it (one function: ``Attributed.knife_edges``),
in the Python result, the table, the JSON rows and the figure's rows."""

from __future__ import annotations

import itertools
import json

from typer.testing import CliRunner

from detente import api
from detente.cli.main import app
from detente.present.history import timeline_knife_edges, timeline_table

runner = CliRunner()
MODELS = ["eum", "nash"]


def test_timeline_flags_are_the_diffs_flags(tmp_path):
    db = str(tmp_path / "h.sqlite")
    with api.open_history(db) as h:
        h.import_file("ukraine-2025-11")
        tl = h.timeline("ukraine-2025-11", models=MODELS)
        assert tl.knife_edges is not None and tl.knife_edges[0] == {}
        flagged = 0
        for (_v0, before), (v1, after) in itertools.pairwise(enumerate(tl.versions)):
            att = h.diff(before, after, models=MODELS).diff.attributed
            expected = {} if att is None else {
                key: tuple(f"{att.changes[j].kind} {att.changes[j].key}" for j in found)
                for key, found in att.knife_edges().items()}
            assert dict(tl.knife_edges[v1]) == expected
            flagged += len(expected)
        # the bundled talks hold at least one (the US on Tomahawks, in EUM): derived, and
        # the check above is what matters if a revision removes it
        rows = tl.rows()
        assert sum(bool(r["knife_edge"]) for r in rows) == flagged
        for r in rows:
            v = next(k for k, ver in enumerate(tl.versions) if ver.id == r["version"])
            assert r["knife_edge"] == list(tl.knife_edge(v, r["model"], r["issue"]))
        lines = [str(t) for t in timeline_knife_edges(tl)]
        assert len(lines) == flagged
        assert all("history diff" in line for line in lines)
        if flagged:
            assert "knife-edge" in str(timeline_table(tl).caption)
        off = h.timeline("ukraine-2025-11", models=MODELS, knife_edges=False)
        assert off.knife_edges is None and "knife_edge" not in off.rows()[0]


def test_cli_timeline_json_and_table_carry_the_flags(tmp_path):
    db = str(tmp_path / "h.sqlite")
    assert runner.invoke(app, ["history", "import", "ukraine-2025-11", "--db", db]).exit_code == 0
    res = runner.invoke(app, ["history", "timeline", "--db", db, "-m", "eum", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    rows, second = data["rows"], data["versions"][1]["id"]
    flagged = [r for r in rows if r["knife_edge"]]
    diff = runner.invoke(app, ["history", "diff", "@1", "@2", "--db", db, "-m", "eum", "-f",
                               "json"])
    moves = json.loads(diff.output)["attribution"]["moves"]
    at_2 = {(m["model"], m["issue"]): sorted(m["knife_edges"]) for m in moves
            if m["knife_edges"]}
    assert {(r["model"], r["issue"]): sorted(r["knife_edge"]) for r in flagged
            if r["version"] == second} == at_2
    text = runner.invoke(app, ["history", "timeline", "--db", db, "-m", "eum"],
                         env={"COLUMNS": "80"}).output
    assert text.count("⚠") >= 2 * len(flagged)  # the cell and its line below the table
