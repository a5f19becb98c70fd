"""One YAML writer for every file detente writes (scenarios, review files, Delphi rounds).

PyYAML's emitter, with ``allow_unicode=True``, writes a string holding U+0085 (NEXT LINE)
in single quotes with the character raw; YAML 1.1 reads a raw U+0085 as a line break and
folds it, so ``'a\\x85b'`` came back as ``'a b'``. Strings holding any character a YAML
reader treats as a line break are therefore written double-quoted, where the emitter
escapes them (``"a\\Nb"``). Everything else is written exactly as ``yaml.safe_dump``
writes it.
"""

from __future__ import annotations

from typing import Any

import yaml

# characters a YAML 1.1 reader folds or normalises inside a quoted scalar
_LINE_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


class _Dumper(yaml.SafeDumper):
    """``yaml.SafeDumper`` that double-quotes strings holding YAML line-break characters."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if any(ch in data for ch in _LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: Any, *, width: int | None = None) -> str:
    """``data`` as YAML text: keys in their given order, Unicode kept, text round-tripping."""
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                          width=width)
    return text
