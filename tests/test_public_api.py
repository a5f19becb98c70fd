"""One public API list (issue 30): ``detente.api.__all__`` names every public function and
class the facade's lane modules define, ``detente.api`` holds exactly that list, and the
package ``detente`` re-exports it (plus the data types), each name resolving on first use."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from pathlib import Path

import detente
from detente import api


def _lanes() -> list[types.ModuleType]:
    return [importlib.import_module(f"detente.api.{m.name}")
            for m in pkgutil.iter_modules(api.__path__)]


def _defined_in_api() -> set[str]:
    return {name for lane in _lanes() for name, obj in vars(lane).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and getattr(obj, "__module__", "") == lane.__name__}


def test_the_facade_lists_every_public_function_it_defines():
    missing = _defined_in_api() - set(api.__all__)
    assert not missing, f"add to detente.api.__all__: {sorted(missing)}"
    absent = [n for n in api.__all__ if not hasattr(api, n)]
    assert not absent, f"detente.api.__all__ names what api lacks: {absent}"


def test_the_facade_package_holds_exactly_its_list():
    """``api/__init__.py`` only re-exports: its public names are ``__all__``, no lane module
    is named like an operation (``detente.api.forecast`` is always the function), and every
    lane is private (reached through ``detente.api``)."""
    public = {n for n, obj in vars(api).items()
              if not n.startswith("_") and not isinstance(obj, types.ModuleType)}
    assert public == set(api.__all__)
    lanes = [m.name for m in pkgutil.iter_modules(api.__path__)]
    assert lanes and all(n.startswith("_") for n in lanes), lanes
    assert not [n for n in api.__all__ if isinstance(getattr(api, n), types.ModuleType)]


# facade names that are also subpackages of detente: ``import detente.outlook`` binds the
# package's attribute to the subpackage, so the function is reached as detente.api.outlook
SUBPACKAGES = {p.name for p in Path(detente.__file__).parent.iterdir()
               if (p / "__init__.py").is_file()}


def test_the_package_exports_the_facade_list_exactly():
    at_top = {n for n, (module, _) in detente._LAZY.items() if module == "detente.api"}
    expected = set(api.__all__) - SUBPACKAGES
    assert at_top == expected, (
        f"only in detente: {sorted(at_top - expected)}; "
        f"only in detente.api: {sorted(expected - at_top)}")
    assert set(detente.__all__) == {"__version__", *detente._LAZY}


def test_every_exported_name_resolves():
    for name in detente.__all__:
        assert getattr(detente, name) is not None, name
    assert detente.load is api.load and detente.baserates is api.baserates
    assert "outlook" in SUBPACKAGES and "outlook" not in detente.__all__


def test_the_facade_returns_no_presenter_type():
    """No public function of ``detente.api`` returns a presenter's type (``api.brief``
    returns :class:`detente.results.BriefData`, which the presenter lays out). Each name in
    a return annotation is traced to the module it is imported from, ``TYPE_CHECKING``
    imports included."""
    import ast
    import inspect
    import re
    import sys
    from pathlib import Path

    import detente.api as api_module

    bad = []
    for name in api_module.__all__:
        obj = getattr(api_module, name)
        if not inspect.isfunction(obj) or "return" not in obj.__annotations__:
            continue
        source = str(sys.modules[obj.__module__].__file__)
        imported = {}
        for node in ast.walk(ast.parse(Path(source).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.update({a.asname or a.name: node.module for a in node.names})
        for word in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", str(obj.__annotations__["return"])):
            found = obj.__globals__.get(word)
            home = getattr(found, "__module__", None) or imported.get(word, "")
            if home.startswith("detente.present"):
                bad.append(f"{name} -> {home}.{word}")
    assert not bad, bad
    from detente.results import BriefData

    assert api_module.brief.__globals__["BriefData"] is BriefData
