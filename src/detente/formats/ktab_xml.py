"""KTAB's spatial-model XML scenario (``smpExample.xml``), read with defusedxml.

Structure (KTAB's ``SMPModel::xmlRead``)::

    <Scenario>
      <name/> <desc/> <prngSeed/>
      <ModelParameters> <VictoryProbModel/> <PCEModel/> ... </ModelParameters>
      <Dimensions> <dName/>... </Dimensions>
      <Actors> <Actor> <name/> <description/> <capability/>
                       <Position> <dCoord/>... </Position>
                       <Salience> <dSal/>... </Salience> </Actor>... </Actors>
      <IdealAdjustment> <iaPair> <adjustingIdeal/> <referencePos/> <adjust/> </iaPair>...
      </IdealAdjustment>
    </Scenario>

Dimensions become issues on 0..100; saliences (0..100) become 0..1. The model
parameters, the seed (as written, leading zeros kept) and the accommodation
pairs go to ``metadata["ktab"]``, where the SMP model reads them and the writer
finds them again. XML from users is untrusted: entities and DTDs are refused.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from detente.errors import FormatError, Problem, short
from detente.formats.ktab_common import coordinates, dimension_issues, number
from detente.scenario import Scenario

NAME = "ktab-xml"

PARAMETERS = ("VictoryProbModel", "PCEModel", "StateTransitions", "VotingRule", "BigRAdjust",
              "BigRRange", "ThirdPartyCommit", "InterVecBrgn", "BargnModel")


def sniff(text: str) -> bool:
    head = text[:5000]
    return "<Scenario" in head and ("<Actors" in text or "<Dimensions" in text)


class _Lines(TreeBuilder):
    """A tree builder that remembers the line of every start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: Any = None
        self._keep: list[Element] = []

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        el = super().start(tag, attrs)
        self.lines[id(el)] = self.parser.parser.CurrentLineNumber
        self._keep.append(el)
        return el


def _parse(text: str, file: str | None) -> tuple[Element, dict[int, int]]:
    builder = _Lines()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(text.lstrip("\ufeff"))
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise FormatError([Problem((), f"malformed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
                                   "well-formed XML", file, line)], file=file) from None
    except DefusedXmlException as exc:
        raise FormatError([Problem((), f"forbidden XML construct ({type(exc).__name__})",
                                   "plain XML without DTDs or entities", file, None)],
                          file=file) from None
    return root, builder.lines


def _either(el: Element | None, fallback: Element) -> Element:
    """``el`` if the file has it, else ``fallback`` (an element with no children is falsy, so
    ``el or fallback`` would skip an empty ``<Dimensions/>``)."""
    return el if el is not None else fallback


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    root, lines = _parse(text, file)
    problems: list[Problem] = []

    def line(el: Element | None) -> int | None:
        return None if el is None else lines.get(id(el))

    def add(path: tuple[Any, ...], found: str, expected: str, el: Element | None) -> None:
        problems.append(Problem(path, found, expected, file, line(el)))

    def text_of(el: Element | None) -> str:
        return (el.text or "").strip() if el is not None else ""

    def number(el: Element | None, path: tuple[Any, ...], what: str, parent: Element) -> float:
        raw = text_of(el)
        try:
            return float(raw)
        except ValueError:
            found = f"an empty <{el.tag}>" if el is not None and not raw else (
                f"<{what}> missing" if el is None else f"{what} {short(raw)}")
            add(path, found, f"a number ({what})", el if el is not None else parent)
            return float("nan")

    if root.tag != "Scenario":
        add((), f"root element <{root.tag}>", "<Scenario>", root)
        raise FormatError(problems, file=file)

    meta: dict[str, Any] = {"format": "xml"}
    seed = text_of(root.find("prngSeed"))
    if seed:
        if not seed.isdigit() or int(seed) >= 2**64:
            add(("metadata", "ktab", "seed"), short(seed), "an unsigned 64-bit integer",
                root.find("prngSeed"))
        meta["seed"] = seed
    params_el = root.find("ModelParameters")
    if params_el is not None:
        meta["parameters"] = {child.tag: text_of(child) for child in params_el}

    dims_el = root.find("Dimensions")
    dims = [text_of(d) for d in (dims_el.findall("dName") if dims_el is not None else [])]
    if not dims or any(not d for d in dims):
        add(("issues",), "no dimension names" if not dims else "an empty <dName>",
            "<Dimensions> with one non-empty <dName> per dimension", _either(dims_el, root))
    actors_el = root.find("Actors")
    actor_els = actors_el.findall("Actor") if actors_el is not None else []
    if not actor_els:
        add(("actors",), "no <Actor>", "<Actors> with at least one <Actor>",
            _either(actors_el, root))

    actors: list[dict[str, Any]] = []
    stances: list[dict[str, Any]] = []
    where: dict[tuple[Any, ...], int | None] = {("issues",): line(dims_el)}
    for a_idx, a_el in enumerate(actor_els):
        path: tuple[Any, ...] = ("actors", a_idx)
        where[path] = line(a_el)
        name = text_of(a_el.find("name"))
        if not name:
            add((*path, "id"), "an empty or missing <name>", "the actor's name", a_el)
        cap = number(a_el.find("capability"), (*path, "capability"), "capability", a_el)
        actors.append({"id": name or f"actor{a_idx}",
                       "description": text_of(a_el.find("description")),
                       "capability": cap})
        for tag, sub, key in (("Position", "dCoord", "position"),
                              ("Salience", "dSal", "salience")):
            box = a_el.find(tag)
            items = box.findall(sub) if box is not None else []
            if len(items) != len(dims):
                add((*path, key), f"{len(items)} <{sub}>",
                    f"{len(dims)} <{sub}> (one per dimension) in <{tag}>", _either(box, a_el))
            for k, it in enumerate(items[: len(dims)]):
                val = number(it, (*path, key, k), f"{key} on dimension {dims[k]!r}", a_el)
                if key == "position":
                    where[("stances", len(stances))] = line(it)
                    stances.append({"actor": actors[-1]["id"], "issue": dims[k],
                                    "position": val, "salience": 0.0})
                else:
                    base = len(stances) - len(dims)
                    if 0 <= base + k < len(stances):
                        stances[base + k]["salience"] = val / 100.0

    acc: list[dict[str, Any]] = []
    ia_el = root.find("IdealAdjustment")
    names = {a["id"] for a in actors}
    for p_idx, pair in enumerate(ia_el.findall("iaPair") if ia_el is not None else []):
        path = ("metadata", "ktab", "accommodation", p_idx)
        a, b = text_of(pair.find("adjustingIdeal")), text_of(pair.find("referencePos"))
        v = number(pair.find("adjust"), path, "adjust", pair)
        for who in (a, b):
            if who not in names:
                add(path, f"actor {short(who)}", "the name of an actor in <Actors>", pair)
        if not 0.0 <= v <= 1.0:
            add(path, f"adjust {v:g}", "a rate in [0, 1]", pair)
        acc.append({"actor": a, "reference": b, "adjust": v})
    if acc:
        meta["accommodation"] = acc
    if problems:
        raise FormatError(problems, file=file)

    data = {
        "name": text_of(root.find("name")) or "ktab",
        "description": text_of(root.find("desc")),
        "actors": actors,
        "issues": dimension_issues(dims),
        "stances": stances,
        "metadata": {"ktab": meta},
    }

    def locate(path: tuple[Any, ...]) -> int | None:
        return where.get(tuple(path[:2]))

    return [Scenario.from_dict(data, file=file, locate=locate)]


def dumps(scenario: Scenario) -> str:
    meta = scenario.metadata.get("ktab") or {}
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<Scenario>",
           f"  <name>{escape(scenario.name)}</name>",
           f"  <desc>{escape(scenario.description or scenario.title)}</desc>"]
    if meta.get("seed"):
        out.append(f"  <prngSeed>{escape(str(meta['seed']))}</prngSeed>")
    params = meta.get("parameters")
    if params:
        out.append("  <ModelParameters>")
        out += [f"    <{k}>{escape(str(v))}</{k}>" for k, v in params.items()
                if k.isidentifier()]
        out.append("  </ModelParameters>")
    out.append("  <Dimensions>")
    out += [f"    <dName>{escape(i.id)}</dName>" for i in scenario.issues]
    out.append("  </Dimensions>")
    out.append("  <Actors>")
    for actor in scenario.actors:
        out += ["    <Actor>", f"      <name>{escape(actor.id)}</name>",
                f"      <description>{escape(actor.description)}</description>",
                f"      <capability>{number(actor.capability)}</capability>", "      <Position>"]
        coords = [coordinates(scenario, actor.id, issue) for issue in scenario.issues]
        out += [f"        <dCoord>{number(pos)}</dCoord>" for pos, _ in coords]
        out += ["      </Position>", "      <Salience>"]
        out += [f"        <dSal>{number(sal)}</dSal>" for _, sal in coords]
        out += ["      </Salience>", "    </Actor>"]
    out.append("  </Actors>")
    acc = meta.get("accommodation")
    if acc:
        out.append("  <IdealAdjustment>")
        for item in acc:
            out += ["    <iaPair>",
                    f"      <adjustingIdeal>{escape(str(item['actor']))}</adjustingIdeal>",
                    f"      <referencePos>{escape(str(item['reference']))}</referencePos>",
                    f"      <adjust>{number(float(item['adjust']))}</adjust>", "    </iaPair>"]
        out.append("  </IdealAdjustment>")
    out.append("</Scenario>")
    return "\n".join(out) + "\n"
