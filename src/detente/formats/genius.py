"""GENIUS XML domains and utility spaces (negotiation-agent research format), read as GENIUS
computes them.

A GENIUS negotiation is a *domain* file (root ``<negotiation_template>``:
issues and their values) plus one *utility space* file per party (root
``<utility_space>``). Parsing goes through ``defusedxml`` (no entity
expansion, no external references), so untrusted files are safe to read.

Reading gives a :class:`GeniusDomain`: the :class:`~detente.scenario.Scenario`
(for every detente tool) and the parties' stated utilities as
:class:`~detente.utility_space.UtilitySpaces` (exact rationals from the
file's decimal text), which the deal tools take as a parameter
(``DealProblem.from_scenario(domain.scenario, spaces=domain.spaces)``, or
``detente.api.deal_problem(path)``). Utilities follow GENIUS 10.4
(``AdditiveUtilitySpace`` and ``NonlinearUtilitySpace``):

- **discrete issue**: an item's evaluation divided by the issue's largest
  evaluation (0 when that is below 0.00001);
- **integer issue** ``lowerbound..upperbound`` with ``<evaluator slope offset>``:
  ``clamp(slope·(x − lowerbound) + offset, 0, 1)`` (lowerbound from the
  profile's issue element, else the domain's; no evaluator: 0);
- **linear space**: ``u(x) = min(1, Σ_i w_i e_i(x_i))`` with the file's weights
  *as written*: GENIUS does not renormalise them, so weights summing to 1.1
  give utilities up to 1.1 before the cap at 1 (detente's own formats, by
  contrast, normalise saliences);
- **nonlinear space** (ANAC 2014 style: ``<utility maxutility=…>`` holding
  ``<ufun aggregation="sum">`` with ``<hyperRectangle utility=… weight=…>``
  children bounded by ``<INCLUDES index min max/>`` or ``<EXCLUDES …/>``, and
  nested weighted ``<ufun>``): ``u(x) = min(1, F(x) / maxutility)`` where
  ``F`` sums the utility × weight of every satisfied rectangle (an excluding
  one counts when some bound fails), nested functions scaled by their weight.
  Only ``sum`` aggregation is read (``min``/``max`` are refused: the utility
  is then not a sum of terms);
- **acceptance**: a deal is acceptable to a party when its utility is *at
  least* its ``reservation`` value (GENIUS's rule; a missing reservation is
  0, GENIUS's default; one that is not a number is refused, although GENIUS
  would silently use 0, because it changes every deal result);
- **discount factor**: kept in the metadata; one that is not a number or lies
  outside (0, 1] is 1, as GENIUS reads it (a real ANAC 2011 profile writes
  ``value="s"``).

A bare ``&`` in a name (not well-formed XML, but GENIUS's own parser reads
it, and an ANAC 2015 domain has one) is read as the character ``&``.

Names are trimmed everywhere (issue names, item values, in the domain and in
every profile), so ``" Accessory"`` and ``"Accessory"`` are one name. An item
written twice with the same text is one value (GENIUS compares values by
text); two items equal only after trimming are refused as ambiguous.

Mapping onto the scenario: domain ``objective`` name -> scenario ``name``
(else the file stem); a discrete issue -> an issue on a 0..100 scale whose
options are the items, item ``k`` of ``n`` at ``100·k/(n−1)``; an integer
issue -> an issue on its own scale with one option per integer; one utility
space -> one actor (id: the file stem less the prefix all profile stems
share), capability 1, ``batna`` the reservation value; an issue's weight ->
the stance's ``salience`` (weight over the sum of weights), the best-valued
option -> its ``position`` (nonlinear spaces: equal saliences, the option
covered by the most rectangle utility); ``discount_factor`` ->
``metadata.genius.discount[actor]``. Real-valued issues are refused, with that reason:
the deal tools enumerate deals, and choosing a grid for a continuous issue
would be detente's assumption, not the file's (none of the ANAC 2010–2016
linear domains checked has one).

:func:`loads` takes the domain file (or one profile file) and finds the other
files beside it; :func:`read_genius_domain` takes a folder or explicit files.
Writing GENIUS files lives in :mod:`detente.genius_export` (it needs the deal
utilities, which this layer does not compute).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from detente.errors import DetenteError, FormatError, Problem
from detente.formats import _read_text
from detente.scenario import Scenario
from detente.utility_space import ActorUtility, Bound, Rectangle, UtilitySpaces

NAME = "genius"

_EVAL_FLOOR = Fraction(1, 100000)  # GENIUS: a largest evaluation below this gives all 0


@dataclass(frozen=True)
class GeniusDomain:
    """A GENIUS negotiation: the scenario and every party's stated utility."""

    scenario: Scenario
    spaces: UtilitySpaces


def sniff(text: str) -> bool:
    head = text[:5000]
    return "<negotiation_template" in head or (
        "<utility_space" in head and "<objective" in head and (
            "<weight" in text or "<hyperRectangle" in text))


def _fail(
    file: str | None, found: str, expected: str, text: str = "", needle: str = ""
) -> NoReturn:
    raise FormatError([Problem((), found, expected, file, _line(text, needle))], file=file)


def _decimal(raw: str | None, what: str, file: str | None, text: str, needle: str) -> Fraction:
    """An attribute's decimal text as an exact rational; anything else fails at ``needle``."""
    try:
        if raw is None:
            raise ValueError
        return Fraction(raw.strip())
    except (ValueError, ZeroDivisionError):
        _fail(file, f"{what} {raw!r}", "a finite number", text, needle)


def _index(raw: str, what: str, file: str | None, text: str, needle: str) -> int:
    """An ``index`` attribute as an int; anything else fails at the line of ``needle``."""
    try:
        return int(raw)
    except ValueError:
        _fail(file, f"{what} {raw!r}", "an integer index", text, needle)


def _line(text: str, needle: str) -> int | None:
    if not text or not needle:
        return None
    pattern = re.escape(needle).replace('"', "[\"']")
    match = re.search(pattern, text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


_BARE_AMP = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][A-Za-z0-9_.-]*;)")
"""An ``&`` that starts no character or entity reference (not well-formed XML)."""


def _parse(text: str, file: str | None) -> Element:
    """The root element; a bare ``&`` (GENIUS's own parser reads it as the character, and
    the ANAC 2015 zoning-plan domain writes ``"all to two(farmer & mun.)"``) is read as
    ``&``, as GENIUS reads it."""
    try:
        return DET.fromstring(_BARE_AMP.sub("&amp;", text))
    except DefusedXmlException as exc:
        _fail(file, f"forbidden XML construct ({type(exc).__name__})", "plain XML without "
              "entities or external references")
    except Exception as exc:  # ParseError carries the position
        pos = getattr(exc, "position", None)
        raise FormatError([Problem((), f"invalid XML ({exc})", "well-formed XML", file,
                                   pos[0] if pos else None)], file=file) from None


def _objective(root: Element) -> Element:
    space = root.find("utility_space") if root.tag == "negotiation_template" else root
    if space is None:
        return root
    obj = space.find("objective")
    return obj if obj is not None else space


def _name(node: Element, attr: str = "name") -> str:
    return (node.get(attr) or "").strip()


# ---- the domain -------------------------------------------------------------------


def _domain_issue(node: Element, position: int, text: str,
                  file: str | None) -> dict[str, Any]:
    name = _name(node)
    if not name:
        _fail(file, "an issue without a name", "name=\"...\"", text, "<issue")
    where = f'name="{node.get("name")}"'
    raw_index = node.get("index")
    index = position if raw_index is None else _index(raw_index, f"issue {name!r} with index",
                                                        file, text, where)
    kind = node.get("type") or node.get("etype") or "discrete"
    if kind == "discrete":
        values = [it.get("value") for it in node.findall("item")]
        if not values or any(v is None for v in values):
            _fail(file, f"discrete issue {name!r} without item values",
                  "<item value=\"...\"/> children", text, where)
        # the same item text twice is one value to GENIUS (its values are equal by text; the
        # ANAC 2012 flight-booking domain lists "Sep4_2011" twice): keep the first
        raw = list(dict.fromkeys(str(v) for v in values))
        names = [v.strip() for v in raw]
        twins = sorted({n for n in names if names.count(n) > 1})
        if twins:
            _fail(file, f"issue {name!r} with repeated item value(s) {', '.join(map(repr, twins))}"
                  " (names are compared trimmed)", "distinct item values", text, where)
        n = len(names)
        opts = {v: (100.0 * k / (n - 1) if n > 1 else 0.0) for k, v in enumerate(names)}
        return {"id": name, "index": index, "low": 0.0, "high": 100.0, "options": opts,
                "kind": "discrete", "lower": 0}
    if kind == "integer":
        try:
            lo, hi = int(node.get("lowerbound", "")), int(node.get("upperbound", ""))
        except ValueError:
            _fail(file, f"integer issue {name!r} without integer bounds",
                  "lowerbound and upperbound", text, where)
        if hi <= lo or hi - lo > 1000:
            _fail(file, f"integer issue {name!r} with bounds {lo}..{hi}",
                  "lowerbound < upperbound, at most 1000 values", text, where)
        opts = {str(v): float(v) for v in range(lo, hi + 1)}
        return {"id": name, "index": index, "low": float(lo), "high": float(hi),
                "options": opts, "kind": "integer", "lower": lo}
    _fail(file, f"issue {name!r} of type {kind!r}", "a discrete or integer issue: detente "
          "enumerates deals, and a real-valued issue has no finite set of options (rewrite it "
          "as an integer issue on a grid of your choice to analyse it)", text, where)


def _domain_issues(root: Element, text: str, file: str | None) -> list[dict[str, Any]]:
    issues = [_domain_issue(node, k + 1, text, file)
              for k, node in enumerate(_objective(root).iter("issue"))]
    if not issues:
        _fail(file, "a GENIUS file without issues", "issues under utility_space/objective")
    seen: set[str] = set()
    for spec in issues:
        if spec["id"] in seen:
            _fail(file, f"issue name {spec['id']!r} twice (names are compared trimmed)",
                  "distinct issue names", text, "<issue")
        seen.add(spec["id"])
    return issues


# ---- linear utility spaces --------------------------------------------------------


def _evaluations(node: Element, spec: dict[str, Any], text: str,
                 file: str | None) -> dict[str, Fraction]:
    """An issue's value ``v(option)`` in GENIUS's terms (see the module docstring)."""
    name, where = spec["id"], f'name="{node.get("name")}"'
    ev = node.find("evaluator")
    if spec["kind"] == "integer" and ev is not None:
        slope = _decimal(ev.get("slope", "0"), f"issue {name!r}: slope", file, text, where)
        offset = _decimal(ev.get("offset", "0"), f"issue {name!r}: offset", file, text, where)
        lower = node.get("lowerbound")
        lo = spec["lower"] if lower is None else _decimal(
            lower, f"issue {name!r}: lowerbound", file, text, where)
        return {o: min(Fraction(1), max(Fraction(0), slope * (int(o) - lo) + offset))
                for o in spec["options"]}
    if spec["kind"] == "integer" and node.find("item") is None:
        return dict.fromkeys(spec["options"], Fraction(0))  # GENIUS: slope = offset = 0
    evals: dict[str, Fraction] = {}
    for item in node.findall("item"):
        value = item.get("value")
        evals[str(value).strip()] = _decimal(
            item.get("evaluation"), f"item {value!r} of {name!r} with evaluation", file, text,
            f'value="{value}"')
    missing = [o for o in spec["options"] if o not in evals]
    if missing:
        _fail(file, f"no evaluation for {', '.join(missing[:5])} of issue {name!r}",
              "an evaluation for every value", text, where)
    if min(evals.values()) < 0:
        _fail(file, f"negative evaluation on issue {name!r}", "evaluations >= 0", text, where)
    top = max(evals[o] for o in spec["options"])
    if top < _EVAL_FLOOR:
        return dict.fromkeys(spec["options"], Fraction(0))
    return {o: evals[o] / top for o in spec["options"]}


def _profile_issues(obj: Element, known: dict[str, dict[str, Any]], text: str,
                    file: str | None) -> Iterator[tuple[int, Element, dict[str, Any]]]:
    """``(index, node, domain issue)`` of every issue a profile names."""
    for k, node in enumerate(obj.iter("issue")):
        name = _name(node)
        where = f'name="{node.get("name")}"'
        if name not in known:
            _fail(file, f"issue {name!r} that the domain does not define",
                  f"one of {', '.join(known)}", text, where)
        idx = _index(node.get("index", str(k + 1)), f"issue {name!r} with index", file, text,
                     where)
        yield idx, node, known[name]


def _linear(root: Element, text: str, file: str | None,
            issues: list[dict[str, Any]]) -> tuple[dict[str, Fraction],
                                                    dict[str, dict[str, Fraction]]]:
    obj = _objective(root)
    by_index: dict[int, str] = {}
    values: dict[str, dict[str, Fraction]] = {}
    for idx, node, spec in _profile_issues(obj, {i["id"]: i for i in issues}, text, file):
        by_index[idx] = spec["id"]
        values[spec["id"]] = _evaluations(node, spec, text, file)
    weights: dict[str, Fraction] = {}
    for node in obj.findall("weight"):
        raw = node.get("index", "0")
        needle = f'<weight index="{raw}"'
        idx = _index(raw, "a weight with index", file, text, needle)
        if idx in by_index:
            weights[by_index[idx]] = _decimal(node.get("value", "0"), "a weight of value", file,
                                              text, needle)
    return weights, values


# ---- nonlinear (hyper-rectangle) utility spaces -----------------------------------


def _utility_node(root: Element) -> Element | None:
    obj = _objective(root)
    for node in (*obj, *root):
        if node.tag in ("utility", "utility_function") and node.find("ufun") is not None:
            return node
    return None


def _bounds(rect: Element, by_index: dict[int, dict[str, Any]], text: str,
            file: str | None) -> tuple[tuple[Bound, ...], bool]:
    tag = "EXCLUDES" if rect.find("EXCLUDES") is not None else "INCLUDES"
    out = []
    for b in rect.findall(tag):
        raw = b.get("index", "")
        needle = f'<{tag} index="{raw}"'
        idx = _index(raw, f"a {tag} bound with index", file, text, needle)
        spec = by_index.get(idx)
        if spec is None:
            _fail(file, f"a {tag} bound on issue index {idx}",
                  f"an issue index of the domain ({', '.join(map(str, sorted(by_index)))})",
                  text, needle)
        if spec["kind"] != "integer":
            _fail(file, f"a {tag} bound on discrete issue {spec['id']!r}",
                  "bounds on integer issues (GENIUS compares integer values)", text, needle)
        out.append(Bound(spec["id"], _decimal(b.get("min"), "a bound min", file, text, needle),
                         _decimal(b.get("max"), "a bound max", file, text, needle)))
    return tuple(out), tag == "INCLUDES"


def _terms(ufun: Element, factor: Fraction, by_index: dict[int, dict[str, Any]], text: str,
           file: str | None) -> list[Rectangle]:
    """The rectangles of one ``<ufun>`` and those nested in it, each worth utility × weight ×
    ``factor`` (the product of the enclosing functions' weights over ``maxutility``)."""
    agg = (ufun.get("aggregation") or "sum").strip().lower()
    if agg != "sum":
        _fail(file, f"a nonlinear utility function aggregated by {agg!r}",
              "aggregation=\"sum\" (with min or max the utility is not a sum of terms)",
              text, "<ufun")
    out = []
    for rect in ufun.findall("hyperRectangle"):
        util = _decimal(rect.get("utility"), "a hyperRectangle utility", file, text,
                        "<hyperRectangle")
        weight = _decimal(rect.get("weight", "1"), "a hyperRectangle weight", file, text,
                          "<hyperRectangle")
        bounds, inside = _bounds(rect, by_index, text, file)
        out.append(Rectangle(bounds, util * weight * factor, inside))
    for inner in ufun.findall("ufun"):
        weight = _decimal(inner.get("weight", "1"), "a ufun weight", file, text, "<ufun")
        out += _terms(inner, factor * weight, by_index, text, file)
    return out


def _nonlinear(node: Element, text: str, file: str | None,
               issues: list[dict[str, Any]]) -> tuple[Rectangle, ...]:
    top = _decimal(node.get("maxutility"), "maxutility", file, text, "maxutility")
    if top <= 0:
        _fail(file, f"maxutility {node.get('maxutility')!r}", "maxutility > 0 (utilities are "
              "divided by it)", text, "maxutility")
    ufun = node.find("ufun")
    assert ufun is not None
    return tuple(_terms(ufun, 1 / top, {i["index"]: i for i in issues}, text, file))


def _covered(rects: Sequence[Rectangle], spec: dict[str, Any]) -> str:
    """The option of an issue covered by the most positive rectangle value (first on ties)."""
    def weight(option: str) -> Fraction:
        v = Fraction(int(option)) if spec["kind"] == "integer" else None
        total = Fraction(0)
        for r in rects:
            if r.value > 0 and r.inside and all(
                    b.issue != spec["id"] or (v is not None and b.low <= v <= b.high)
                    for b in r.bounds):
                total += r.value
        return total
    opts = list(spec["options"])
    scores = [weight(o) for o in opts]
    return opts[scores.index(max(scores))]


# ---- one party --------------------------------------------------------------------


def _lenient(raw: str | None) -> Fraction | None:
    """An attribute's decimal text as an exact rational, or None when it is not a number."""
    try:
        return None if raw is None else Fraction(raw.strip())
    except (ValueError, ZeroDivisionError):
        return None


def _reservation(root: Element, text: str, file: str | None) -> Fraction:
    """The reservation value (0 when absent, GENIUS's default). One that is not a number is
    refused: GENIUS would silently use 0, which changes every deal result."""
    res = root.find("reservation")
    if res is None:
        return Fraction(0)
    return _decimal(res.get("value", "0"), "a reservation value", file, text, "<reservation")


def _discount(root: Element) -> float | None:
    """The discount factor: None when absent; 1 when not a number or outside (0, 1] (GENIUS
    ignores an unreadable one and replaces one outside (0, 1] by 1). A real ANAC 2011
    profile (IS_BT_Acquisition_IS_20) writes ``value="s"``."""
    disc = root.find("discount_factor")
    if disc is None:
        return None
    value = _lenient(disc.get("value"))
    return 1.0 if value is None or not 0 < value <= 1 else float(value)


def _party(actor: str, text: str, file: str | None, issues: list[dict[str, Any]],
           ) -> tuple[ActorUtility, list[dict[str, Any]], float | None, str]:
    """One utility space: its stated utility, its stances, discount and kind."""
    root = _parse(text, file)
    discount = _discount(root)
    reservation = _reservation(root, text, file)
    node = _utility_node(root)
    stances = []
    if node is not None:
        rects = _nonlinear(node, text, file, issues)
        for spec in issues:
            stances.append({"actor": actor, "issue": spec["id"],
                            "position": spec["options"][_covered(rects, spec)],
                            "salience": 1.0 / len(issues)})
        return (ActorUtility(rectangles=rects, cap=Fraction(1), reservation=reservation),
                stances, discount, "nonlinear")
    weights, values = _linear(root, text, file, issues)
    total = sum(weights.values(), Fraction(0))
    for spec in issues:
        if spec["id"] not in values:
            continue
        t = values[spec["id"]]
        best = max(spec["options"], key=lambda o: t[o])  # first of the best on ties
        w = weights.get(spec["id"], Fraction(0))
        stances.append({"actor": actor, "issue": spec["id"],
                        "position": spec["options"][best],
                        "salience": float(min(Fraction(1), w / total)) if total > 0 else 0.0})
    return (ActorUtility(weights=weights, values=values, cap=Fraction(1),
                         reservation=reservation), stances, discount, "linear")


def _actor_ids(paths: Sequence[Path]) -> list[str]:
    stems = [p.stem for p in paths]
    prefix = ""
    if len(stems) > 1:
        for chars in zip(*stems, strict=False):
            if len(set(chars)) != 1:
                break
            prefix += chars[0]
        cut = max(prefix.rfind(c) for c in "-_ .")
        prefix = prefix[: cut + 1]
    ids = [s[len(prefix):].strip("-_ .") or s for s in stems]
    return ids if len(set(ids)) == len(ids) else stems


def _build(domain: tuple[str, str | None], profiles: list[tuple[str, str]],
           name: str) -> GeniusDomain:
    dtext, dfile = domain
    droot = _parse(dtext, dfile)
    issues = _domain_issues(droot, dtext, dfile)
    if not profiles and dfile is not None:
        _fail(dfile, "a GENIUS domain with no utility space beside it",
              "one utility-space XML file per party in the domain's folder")
    scen_name = _objective(droot).get("name") or name
    if scen_name in ("", "any"):
        scen_name = name
    actors, stances = [], []
    spaces: dict[str, ActorUtility] = {}
    discount: dict[str, float] = {}
    kinds: dict[str, str] = {}
    ids = _actor_ids([Path(f) for _, f in profiles])
    for actor, (ptext, pfile) in zip(ids, profiles, strict=True):
        space, own, disc, kind = _party(actor, ptext, pfile, issues)
        actors.append({"id": actor, "capability": 1.0, "batna": float(space.reservation or 0)})
        stances += own
        spaces[actor] = space
        kinds[actor] = kind
        if disc is not None:
            discount[actor] = disc
    data = {
        "name": scen_name,
        "title": f"GENIUS domain {scen_name}",
        "actors": actors,
        "issues": [{k: v for k, v in i.items() if k in ("id", "low", "high", "options")}
                   for i in issues],
        "stances": stances,
        "metadata": {"genius": {"domain": dfile, "discount": discount,
                                "kinds": {i["id"]: i["kind"] for i in issues},
                                "utility_spaces": kinds}},
    }
    scenario = Scenario.from_dict(data, file=dfile)
    return GeniusDomain(scenario, UtilitySpaces(spaces, acceptance="at_least", source="genius"))


def _is_domain(text: str) -> bool:
    return "<negotiation_template" in text[:5000]


def _xml_files(folder: Path) -> list[tuple[Path, str]]:
    """Every readable ``*.xml`` file in ``folder`` with its text, in name order (read once)."""
    out = []
    for p in sorted(folder.glob("*.xml")):
        try:
            out.append((p, _read_text(p)))
        except DetenteError:  # unreadable: not part of the negotiation
            continue
    return out


def _from_folder(domain_file: str, text: str, files: list[tuple[Path, str]]) -> GeniusDomain:
    """The negotiation of a domain and the utility spaces among ``files`` (its folder's)."""
    here = Path(domain_file).resolve()
    profiles = [(t, str(p)) for p, t in files
                if p.resolve() != here and not _is_domain(t) and sniff(t)]
    return _build((text, domain_file), profiles, Path(domain_file).stem)


def _domain_of_text(text: str, file: str | None) -> GeniusDomain:
    if file is None:
        if not _is_domain(text):
            _fail(file, "a GENIUS utility space without its domain", "the domain file")
        return _build((text, None), [], "genius")
    files = _xml_files(Path(file).parent)
    if _is_domain(text):
        return _from_folder(file, text, files)
    here = Path(file).resolve()
    domains = [(p, t) for p, t in files if p.resolve() != here and _is_domain(t) and sniff(t)]
    if len(domains) != 1:
        _fail(file, f"{len(domains)} GENIUS domain files beside this utility space",
              "exactly one domain file (root <negotiation_template>) in the same folder")
    (domain, domain_text), = domains
    return _from_folder(str(domain), domain_text, files)


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    """Read a GENIUS domain (its profiles beside it) or one profile (its domain beside it)."""
    return [_domain_of_text(text, file).scenario]


def read_genius_domain(path: str | os.PathLike[str],
                       profiles: Sequence[str | os.PathLike[str]] | None = None
                       ) -> GeniusDomain:
    """The negotiation in a GENIUS folder, domain file or profile file (with the files beside
    it), or a domain file and explicit profile files."""
    path = Path(path)
    if path.is_dir():
        files = _xml_files(path)
        domains = [(p, t) for p, t in files if _is_domain(t)]
        if len(domains) != 1:
            _fail(str(path), f"{len(domains)} domain files in the folder", "exactly one")
        (domain, domain_text), = domains
        return _from_folder(str(domain), domain_text, files)
    text = _read_text(path)
    if profiles is None:
        return _domain_of_text(text, str(path))
    return _build((text, str(path)), [(_read_text(Path(p)), str(p)) for p in profiles],
                  path.stem)


def read_genius(path: str | os.PathLike[str],
                profiles: Sequence[str | os.PathLike[str]] | None = None) -> Scenario:
    """The scenario of :func:`read_genius_domain` (without the stated utilities)."""
    return read_genius_domain(path, profiles).scenario
