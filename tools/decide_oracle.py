"""The detente side of the decide oracle: run decide-exchange-model in its own
virtual environment (``.venvs/decide``, made by ``scripts/setup_decide_venv.sh``)
through ``tools/decide_runner.py`` and read its JSON.

Used by the exchange model's oracle tests and by ``benchmarks/bench_exchange.py``;
decide never enters detente's own environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
VENV = Path(os.environ.get("DECIDE_VENV", REPO / ".venvs" / "decide"))
RUNNER = REPO / "tools" / "decide_runner.py"


def python() -> Path:
    return VENV / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def available() -> bool:
    return python().exists()


def ensure() -> None:
    """Create decide's environment if it is missing (idempotent); for the benchmark.

    The tests never build it: ``scripts/test.sh`` does, before pytest runs.
    """
    if not available():
        subprocess.run(["bash", str(REPO / "scripts" / "setup_decide_venv.sh")], check=True)


def require() -> None:
    """Fail clearly when decide's environment is missing (the tests use this)."""
    if not available():
        raise RuntimeError(
            f"decide's virtual environment is missing ({python()} does not exist): "
            "run `bash scripts/setup_decide_venv.sh` (scripts/test.sh does it before the "
            "tests), or point DECIDE_VENV at an environment that has it")


def spec_from_scenario(scenario: Any, rounds: int = 10, seed: int = 0,
                       timeout: float | None = None) -> dict[str, Any]:
    """The runner's input for a detente :class:`~detente.scenario.Scenario`."""
    cap = {a.id: a.capability for a in scenario.actors}
    return {
        "actors": [a.id for a in scenario.actors],
        "issues": [{"id": i.id, "low": i.low, "high": i.high} for i in scenario.issues],
        "rows": [[s.actor, s.issue, s.position, s.salience, cap[s.actor]]
                 for s in scenario.stances],
        "rounds": rounds,
        "seed": seed,
        "timeout": timeout,
    }


def run(spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run decide on ``spec``; raises ``subprocess.TimeoutExpired`` past ``timeout``.

    decide's environment must exist (:func:`ensure` builds it; the tests only
    :func:`require` it)."""
    require()
    env = dict(os.environ, MPLBACKEND="Agg", QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([str(python()), str(RUNNER)], input=json.dumps(spec), text=True,
                          capture_output=True, timeout=timeout, env=env, cwd=str(VENV))
    if proc.returncode != 0:
        raise RuntimeError(f"decide runner failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)
