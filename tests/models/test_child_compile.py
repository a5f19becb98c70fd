"""A kernel missing from numba's cache is compiled by a child Python and loaded by the
caller (:mod:`detente.models.child_compile`), so compiling's memory stays out of the run;
in-process when that is switched off or the kernel cannot be named."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detente.models import child_compile

from ..conftest import SRC


def test_nothing_is_started_where_a_child_cannot_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switched off (as in the child itself), or a kernel no module names: False, and no
    child is started (the caller compiles in-process)."""
    started: list[object] = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: started.append(a))

    def local(x):  # type: ignore[no-untyped-def]
        return x

    assert not child_compile.compile_apart(local, ())  # a <locals> name
    monkeypatch.setenv(child_compile.IN_CHILD, "1")
    assert not child_compile.compile_apart(child_compile.compile_here, ())
    assert started == []


def _kernels(root: Path, add: float) -> None:
    pkg = root / "kern"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "k.py").write_text(textwrap.dedent(f"""
        from detente.models.compiled import jit

        @jit
        def step(x):
            return x + {add}
    """))


SCRIPT = """
import sys
from kern.k import step
v = step(1.0)
s = step.stats
print(v, 'loaded' if s.cache_hits else '-', 'compiled-here' if s.cache_misses else '-')
"""


@pytest.mark.slow
def test_a_missing_kernel_is_compiled_apart_then_loaded(tmp_path: Path) -> None:
    """In fresh interpreters sharing one cache: with nothing cached, the caller loads the
    kernel (a child compiled it) and compiles nothing itself; the child's kernel is the
    current source (an edit is compiled again, apart); switched off, the caller compiles."""
    env = {"PYTHONPATH": f"{SRC}:{tmp_path}", "PATH": "/usr/bin:/bin",
           "NUMBA_CACHE_DIR": str(tmp_path / "cache")}

    def run(**extra: str) -> list[str]:
        return subprocess.run([sys.executable, "-c", SCRIPT], env={**env, **extra},
                              capture_output=True, text=True, check=True,
                              timeout=300).stdout.split()

    _kernels(tmp_path, 1.0)
    assert run() == ["2.0", "loaded", "-"]
    assert list((tmp_path / "cache").rglob("*.nbi"))  # the child wrote the cache
    assert run() == ["2.0", "loaded", "-"]
    _kernels(tmp_path, 2.0)
    assert run() == ["3.0", "loaded", "-"]
    _kernels(tmp_path, 3.0)
    assert run(**{child_compile.IN_CHILD: "1"}) == ["4.0", "-", "compiled-here"]
