"""The hand-written YAML form of a scenario (read with PyYAML's safe loader only).

Errors point at lines: the document is composed into PyYAML's node tree once,
the data is constructed from that tree, and each field path is looked up there.
The tree is composed by libyaml when PyYAML has it (``CSafeLoader``: the same nodes,
marks and constructors, about 7 times faster on the bundled scenario); a document
libyaml refuses is read again by the pure-Python loader, whose messages the plain
wordings below are written for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from detente.errors import FormatError, Path, Problem
from detente.scenario import Scenario
from detente.yaml_text import dump_yaml

NAME = "yaml"


def sniff(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith(("name:", "---", "#")) and "actors:" in text and "issues:" in text


def _timestamp(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.ScalarNode) -> Any:
    """``yaml.safe_load``'s timestamp, except that an impossible date is a YAML error at its
    line."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # e.g. 2025-13-01: the pattern matches, the calendar does not
        raise yaml.constructor.ConstructorError(
            None, None, f"impossible date {node.value!r}: {exc}", node.start_mark
        ) from None


class _Loader(yaml.SafeLoader):
    """The pure-Python safe loader (its messages are the ones :func:`plain_yaml_error` words)."""


class _FastLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """The same loader with libyaml's scanner, parser and composer when PyYAML has them."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


MAX_FLOW_DEPTH = 64
"""Deepest ``[``/``{`` nesting read (a scenario needs 3; PyYAML's scanner slows
quadratically with depth, so deeper input is refused before parsing)."""
MAX_NODES = 200_000
"""Most values a document may expand to once aliases (``*name``) are followed: a
"billion laughs" file of a few lines expands to billions."""


def _too_deep(text: str) -> bool:
    """Whether the document nests collections more than ``MAX_FLOW_DEPTH`` deep.

    Read from the parser's event stream (iterative, stopped at the first level too deep),
    so brackets inside strings (``"[bold]"``, escape sequences) do not count; the
    composer that builds the node tree recurses once per level and is not reached for
    such documents. Malformed YAML is left for the real parse to report with its line.
    The events come from libyaml when PyYAML has it (about 20 times faster than the
    pure-Python parser that the real parse still uses for its messages).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_FastLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_FLOW_DEPTH:
                    return True
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return False
    return False


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document holds with every alias expanded (each shared node counted
    once per reference), computed once per distinct node."""
    sizes: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack: list[yaml.Node] = [root]
    while stack:  # iterative post-order: children before parents
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = -1
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        total = 1 + sum(sizes[id(c)] for c in _children(node))
        sizes[id(node)] = min(total, MAX_NODES + 1)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    # one parse: the node tree gives the lines, the same tree is then constructed
    if _too_deep(text):
        raise FormatError([Problem((), "lists or mappings nested too deeply "
                                       f"(over {MAX_FLOW_DEPTH} levels)",
                                   "a scenario of ordinary depth", file)], file=file)
    root, data = _parse(text, file)
    if data is None:
        raise FormatError([Problem((), "an empty file (no YAML content, or only comments)",
                                   "a scenario: a mapping with name, actors and issues "
                                   "(`detente new NAME` writes a template)", file)], file=file)
    return [Scenario.from_dict(data, file=file, locate=lambda path: locate(root, path))]


def _parse(text: str, file: str | None) -> tuple[yaml.Node | None, Any]:
    """The node tree of ``text`` and the data constructed from it: by libyaml; a document
    libyaml refuses is read again by the pure-Python loader, whose error is reported
    (its messages are the ones :func:`plain_yaml_error` words, and its line numbers)."""
    try:
        return _tree_and_data(_FastLoader, text, file)
    except (yaml.YAMLError, RecursionError):
        pass
    try:
        return _tree_and_data(_Loader, text, file)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        found, expected = plain_yaml_error(problem)
        raise FormatError([Problem((), found, expected, file, line)], file=file) from None
    except RecursionError:
        raise FormatError(
            [Problem((), "YAML nested too deeply to read", "a scenario of ordinary depth", file)],
            file=file,
        ) from None


def _tree_and_data(loader_class: type[_Loader | _FastLoader], text: str, file: str | None
                   ) -> tuple[yaml.Node | None, Any]:
    """Compose ``text`` (unprintable characters rejected), refuse alias bombs, construct."""
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        if root is not None and _expanded_size(root) > MAX_NODES:
            raise FormatError([Problem((), f"aliases (*name) that expand to more than "
                                           f"{MAX_NODES:,} values", "a scenario of ordinary "
                                           "size (write repeated parts out)", file)], file=file)
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


_INDENT = "indentation that does not match the lines above"
_INDENT_EXPECTED = "each key (or '- ' item) indented like the ones beside it, with spaces"
_PLAIN_YAML: tuple[tuple[str, str, str], ...] = (
    ("expected <block end>", _INDENT, _INDENT_EXPECTED),
    ("did not find expected key", _INDENT, _INDENT_EXPECTED),
    ("did not find expected '-' indicator", _INDENT, _INDENT_EXPECTED),
    ("mapping values are not allowed here",
     "a ':' where no key can start (a line indented deeper than the lines above, or a "
     "value holding ': ')", "indentation like the lines above, and quotes around a value "
     "that holds ': '"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor a list item",
     "'key: value' lines (or '- item' lines) in a mapping"),
    ("found character '\\t' that cannot start any token", "a tab", "spaces for indentation "
     "(YAML does not allow tabs)"),
    ("found undefined alias", "an alias (*name) with no anchor (&name) before it",
     "an anchor defined before its alias, or a plain value"),
    ("found duplicate anchor", "the same anchor (&name) twice", "each anchor once"),
    ("found '<stream end>'", "the file ending inside an open bracket or quote",
     "every bracket and quote closed"),
    ("found unexpected end of stream", "the file ending inside a quoted value or a bracket",
     "every quote and bracket closed"),
)


def plain_yaml_error(problem: str) -> tuple[str, str]:
    """PyYAML's parser message (``expected <block end>, but found '<block mapping
    start>'``) as what a person reads (``invalid YAML: indentation that does not match
    the lines above``): the ``(found, expected)`` of a :class:`Problem`. Messages
    without a plain wording keep PyYAML's text."""
    for needle, found, expected in _PLAIN_YAML:
        if needle in problem:
            return f"invalid YAML: {found}", expected
    return f"invalid YAML ({problem})", "well-formed YAML"


def locator(text: str) -> Callable[[Path], int | None]:
    """The line of each field of a scenario file already read once (so well-formed): for
    problems found after reading, such as a model's needs (``api.check``)."""
    loader = _FastLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    return lambda path: locate(root, path)


def locate(root: yaml.Node | None, path: Path) -> int | None:
    """The 1-based line of the node at ``path`` (mapping keys or list indices)."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pairs = node.value
            if isinstance(part, int):
                if part >= len(pairs):
                    return None
                node = pairs[part][0]
                continue
            match = [v for k, v in pairs if isinstance(k, yaml.ScalarNode) and k.value == part]
            if not match:
                return None
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return None
            node = node.value[part]
        else:
            return None
    return None if node is None else node.start_mark.line + 1


def dumps(scenario: Scenario) -> str:
    data = scenario.to_dict()
    return dump_yaml(_ordered(data), width=88)


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    # the structure before the stances, so that the (long) stance list stays the last
    # section before any metadata, where tools that append stances expect it
    order = ["name", "title", "as_of", "description", "sources", "actors", "issues", "blocs",
             "linkages", "pressures", "shocks", "proposals", "conflict"]
    last = ("stances", "metadata")
    head = {k: data[k] for k in order if k in data}
    rest = {k: v for k, v in data.items() if k not in head and k not in last}  # none dropped
    return {**head, **rest, **{k: data[k] for k in last if k in data}}
