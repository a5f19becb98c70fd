"""``tools/verify_genius_domains.py``: its exact sweep agrees with the pairwise referee, and it
reports equal, refused and different folders as such."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _module(ROOT / "tools" / "verify_genius_domains.py", "verify_genius_domains")
referee = _module(ROOT / "tests" / "formats" / "genius_referee.py", "genius_referee_v")


@pytest.mark.parametrize("seed", range(8))
def test_the_exact_sweep_equals_the_pairwise_referee(tmp_path, seed):
    referee.write_random(tmp_path, seed, long=seed % 2 == 1)
    outs, _, utils, res = referee.table(tmp_path)
    assert tool.exact_frontier(outs, utils, res) == referee.frontier(tmp_path)


def test_the_report_counts_equal_and_refused_folders(tmp_path, capsys):
    for seed in range(3):
        referee.write_random(tmp_path / f"n{seed}", seed)
    bad = tmp_path / "real-issue"
    bad.mkdir()
    (bad / "d.xml").write_text('<negotiation_template><utility_space><objective name="x">'
                               '<issue index="1" name="q" type="real" lowerbound="0" '
                               'upperbound="1"/></objective></utility_space>'
                               '</negotiation_template>')
    (bad / "p.xml").write_text('<utility_space><objective name="x"><issue index="1" name="q" '
                               'type="real"/><weight index="1" value="1"/></objective>'
                               '</utility_space>')
    assert tool.main([str(tmp_path), "--pairwise", "0"]) == 0
    out = capsys.readouterr().out
    assert "real-issue: refused by detente" in out and "real-valued issue" in out
    assert out.count(": equal;") == 3
    assert out.strip().endswith("4 negotiations: 3 equal, 0 differs, 1 refused, "
                                "0 referee-failed, 0 skipped")


def test_a_frontier_that_differs_is_reported_with_examples(tmp_path):
    referee.write_random(tmp_path, 3)

    class Wrong:  # the referee's numbers, but a frontier missing one outcome
        table = staticmethod(referee.table)

        @staticmethod
        def frontier(folder):
            return set(sorted(referee.frontier(folder))[1:])

    status, line = tool.check(tmp_path.parent / tmp_path.name, Wrong, max_outcomes=10**6,
                              pairwise=10**6)
    assert status == "differs" and "DIFFERENT" in line and "only in detente's (1)" in line
