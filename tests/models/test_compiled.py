"""The kernels' shared decorator (:mod:`detente.models.compiled`): its scalar helpers are
numpy's rules, and its on-disk cache is refreshed when a module a kernel imports from
changes (numba's own cache looks at the kernel's file only)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from detente.models import child_compile, compiled

from ..conftest import SRC

EDGES = [np.nan, -np.inf, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, np.inf]


def test_the_scalar_helpers_are_numpys() -> None:
    """np_max, np_min and clip against numpy on NaN, infinities, ties and signed zeros
    (compared as bit patterns, so -0.0 and 0.0 differ); clip is np.clip but for the sign
    of a zero where zeros of opposite signs tie."""
    def bits(v: float) -> int:
        return int(np.float64(v).view(np.int64)) if v == v else -1  # any NaN alike

    for a in EDGES:
        for b in EDGES:
            assert bits(compiled.np_max(a, b)) == bits(np.maximum(a, b)), (a, b)
            assert bits(compiled.np_min(a, b)) == bits(np.minimum(a, b)), (a, b)
            for x in EDGES:
                got = bits(compiled.clip(x, a, b))
                assert got == bits(np.minimum(np.maximum(x, a), b)), (x, a, b)
                if got != bits(np.clip(x, a, b)):  # only a zero of the other sign
                    assert compiled.clip(x, a, b) == 0 == np.clip(x, a, b), (x, a, b)


def test_a_kernel_module_stamps_the_modules_it_imports() -> None:
    """Nash's kernels call clip (here) and the SMP's pairwise sum; the exchange kernels
    read tolerances from pairing.py: each of those files is in the kernel's stamp."""
    models = Path(compiled.__file__).parent
    nash = compiled.source_files(str(models / "nash_kernels.py"), "detente.models.nash_kernels")
    assert nash == (models / "nash_kernels.py", models / "compiled.py",
                    models / "smp" / "kernels.py")
    xchg = compiled.source_files(str(models / "exchange" / "kernels.py"),
                                 "detente.models.exchange.kernels")
    assert models / "exchange" / "pairing.py" in xchg
    from detente.models import nash_kernels
    from detente.uncertainty import sampling_kernels

    for fn in (nash_kernels._solve, sampling_kernels.unit_values, compiled.clip):
        assert isinstance(fn._cache, compiled.KernelCache)


def _package(root: Path, helper_value: float) -> None:
    pkg = root / "stamped"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "helper.py").write_text(textwrap.dedent(f"""
        from detente.models.compiled import jit

        @jit
        def value(x):
            return x + {helper_value}
    """))
    (pkg / "caller.py").write_text(textwrap.dedent("""
        from detente.models.compiled import jit
        from stamped.helper import value

        @jit
        def call(x):
            return value(x) * 2.0
    """))


def test_the_stamp_follows_an_imported_module(tmp_path: Path) -> None:
    """The caller's stamp changes with its helper's file, not with an unrelated one."""
    _package(tmp_path, 1.0)
    caller = str(tmp_path / "stamped" / "caller.py")
    before = compiled.source_stamp(caller, "stamped.caller")
    (tmp_path / "stamped" / "other.py").write_text("x = 1\n")
    assert compiled.source_stamp(caller, "stamped.caller") == before
    _package(tmp_path, 2.0)
    assert compiled.source_stamp(caller, "stamped.caller") != before


@pytest.mark.slow
def test_an_edited_helper_is_recompiled_into_its_caller(tmp_path: Path) -> None:
    """End to end, in fresh interpreters sharing one on-disk cache: the caller is loaded
    from the cache while nothing changed, and recompiled (with the new helper) when the
    helper's module changed. numba's own ``cache=True`` keeps the stale helper (the
    control run), which is what this guards against."""
    script = textwrap.dedent("""
        import sys
        from stamped.caller import call
        print(call(1.0), call.stats.cache_hits and 'hit' or 'miss')
    """)
    env = {"PYTHONPATH": f"{SRC}:{tmp_path}", "PATH": "/usr/bin:/bin",
           "NUMBA_CACHE_DIR": str(tmp_path / "cache"),
           # compiled in this interpreter (not apart: models/child_compile.py), so that
           # its stats say whether it compiled
           child_compile.IN_CHILD: "1"}

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True, timeout=300).stdout.split()

    _package(tmp_path, 1.0)
    assert run() == ["4.0", "miss"]
    assert run() == ["4.0", "hit"]
    _package(tmp_path, 2.0)
    assert run() == ["6.0", "miss"]
    # the control: numba's own cache on the same two modules keeps the old helper
    for name in ("helper", "caller"):
        path = tmp_path / "stamped" / f"{name}.py"
        path.write_text(path.read_text().replace(
            "from detente.models.compiled import jit",
            "import numba\njit = numba.njit(cache=True)"))
    assert run() == ["6.0", "miss"]
    _package(tmp_path, 3.0)
    for name in ("helper", "caller"):
        path = tmp_path / "stamped" / f"{name}.py"
        path.write_text(path.read_text().replace(
            "from detente.models.compiled import jit",
            "import numba\njit = numba.njit(cache=True)"))
    assert run() == ["6.0", "hit"]  # stale: the helper now adds 3
