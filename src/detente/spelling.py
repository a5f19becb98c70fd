"""Texts that name a field (of a request, of a function), spelled by the face that shows
them: only the CLI knows its flags.

A text is a template in which ``{draws}`` names a field, ``{top:top=N}`` a field with its
Python spelling and ``{as_of YYYY-MM-DD:as_of=...}`` a field with the value a face writes
after it (``{{``/``}}`` are braces). A :data:`Spell` says how a face writes a field:
:func:`python_words` writes Python's spelling (``draws``, ``top=N``); the CLI writes each
field as its flag (``--draws``, ``--as-of YYYY-MM-DD``). Errors
(:class:`~detente.errors.OptionError`) and the legends under tables
(:mod:`detente.present.legends`) are written this way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Spell = Callable[[str, str], str]
"""How a face writes a field: ``spell(field, python_spelling) -> words``."""

SLOT = re.compile(r"\{\{|\}\}|\{(\w+)( [^{}:]+)?(?::([^{}]*))?\}")
"""One slot of a template (or an escaped brace)."""


def python_words(field: str, python: str) -> str:
    """Python's spelling of a field (the text after ``:`` in its slot, else its name)."""
    return python


def spelled(template: str, spell: Spell = python_words, *, values: bool = True) -> str:
    """``template`` with each field as ``spell(field, python_spelling)`` says, followed by
    the value it takes where the slot gives one (unless ``values`` is false: Python's
    spelling holds it)."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) is None:
            return m.group(0)[0]
        said = spell(m.group(1), m.group(3) or m.group(1))
        return said + (m.group(2) or "") if values else said

    return SLOT.sub(one, template)


def fields(template: str) -> tuple[str, ...]:
    """The fields a template names, in order."""
    return tuple(m.group(1) for m in SLOT.finditer(template) if m.group(1))


def quote(text: str) -> str:
    """``text`` (a value, a name the user typed) safe inside a template."""
    return text.replace("{", "{{").replace("}", "}}")
