"""GENIUS XML domains and utility spaces (negotiation-agent research format).

A GENIUS negotiation is a *domain* file (root ``<negotiation_template>``:
issues and their values) plus one *utility space* file per party (root
``<utility_space>``: issue weights, value evaluations, reservation value,
discount factor). Parsing goes through ``defusedxml`` (no entity expansion,
no external references), so untrusted files are safe to read.

Mapping onto a :class:`~detente.scenario.Scenario`:

- domain ``objective`` name -> scenario ``name`` (else the file stem);
- discrete ``issue`` with ``item`` values -> an issue on a 0..100 scale whose
  options are the items, item ``k`` of ``n`` at ``100·k/(n−1)``;
- integer ``issue`` ``lowerbound..upperbound`` -> an issue on that scale with
  one option per integer;
- one utility-space file -> one actor (id: the file stem less the prefix all
  profile stems share);
- an issue's ``weight`` -> the stance's ``salience`` (weights over their sum);
- item ``evaluation`` (or ``evaluator ftype="linear" slope offset`` on an
  integer issue) -> ``metadata.utility_tables[actor][issue][option]``, divided
  by the issue's largest evaluation when that exceeds 1 (GENIUS normalises
  evaluations by their maximum), used by :mod:`detente.deals`;
- the best-evaluated value -> the stance's ``position``;
- ``reservation value`` -> the actor's ``batna``;
- ``discount_factor`` -> ``metadata.genius.discount[actor]``.

Capabilities are 1 (GENIUS has none). Reading: :func:`loads` takes the
domain file (or one profile file) and finds the other files beside it;
:func:`read_genius` takes a folder or explicit files. Writing:
:func:`dumps_genius` returns ``{file name: XML}`` (domain plus one profile per
actor, evaluations from the deal utilities, see ``docs/deals.md``) and
:func:`write_genius` writes them into a folder; GENIUS needs several files,
so this format has no single-file ``dumps``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from detente.errors import DetenteError, FormatError, Problem
from detente.formats import _read_text, write_text_atomic
from detente.scenario import Scenario

NAME = "genius"
EXTENSIONS = (".xml",)


def sniff(text: str) -> bool:
    head = text[:5000]
    return "<negotiation_template" in head or (
        "<utility_space" in head and "<objective" in head and "<weight" in text)


def _fail(
    file: str | None, found: str, expected: str, text: str = "", needle: str = ""
) -> NoReturn:
    raise FormatError([Problem((), found, expected, file, _line(text, needle))], file=file)


def _number(raw: str | None, what: str, file: str | None, text: str, needle: str) -> float:
    """An attribute's value as a finite float; anything else fails at the line of ``needle``."""
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        _fail(file, f"{what} {raw!r}", "a finite number", text, needle)
    return value


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


def _parse(text: str, file: str | None) -> Element:
    try:
        return DET.fromstring(text)
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


def _domain_issues(root: Element, text: str, file: str | None) -> list[dict[str, Any]]:
    issues = []
    for node in _objective(root).iter("issue"):
        name = node.get("name")
        if not name:
            _fail(file, "an issue without a name", "name=\"...\"", text, "<issue")
        kind = node.get("type") or node.get("etype") or "discrete"
        if kind == "discrete":
            values = [it.get("value") for it in node.findall("item")]
            if not values or any(v is None for v in values):
                _fail(file, f"discrete issue {name!r} without item values",
                      "<item value=\"...\"/> children", text, f'name="{name}"')
            n = len(values)
            opts = {str(v): (100.0 * k / (n - 1) if n > 1 else 0.0) for k, v in enumerate(values)}
            issues.append({"id": name, "low": 0.0, "high": 100.0, "options": opts,
                           "kind": "discrete"})
        elif kind == "integer":
            try:
                lo, hi = int(node.get("lowerbound", "")), int(node.get("upperbound", ""))
            except ValueError:
                _fail(file, f"integer issue {name!r} without integer bounds",
                      "lowerbound and upperbound", text, f'name="{name}"')
            if hi <= lo or hi - lo > 1000:
                _fail(file, f"integer issue {name!r} with bounds {lo}..{hi}",
                      "lowerbound < upperbound, at most 1000 values", text, f'name="{name}"')
            opts = {str(v): float(v) for v in range(lo, hi + 1)}
            issues.append({"id": name, "low": float(lo), "high": float(hi), "options": opts,
                           "kind": "integer"})
        else:
            _fail(file, f"issue {name!r} of type {kind!r}", "a discrete or integer issue "
                  "(real-valued GENIUS issues are not supported)", text, f'name="{name}"')
    if not issues:
        _fail(file, "a GENIUS file without issues", "issues under utility_space/objective")
    return issues


def _profile(root: Element, text: str, file: str | None,
             issues: list[dict[str, Any]]) -> dict[str, Any]:
    obj = _objective(root)
    by_index: dict[int, str] = {}
    tables: dict[str, dict[str, float]] = {}
    known = {i["id"]: i for i in issues}
    for node in obj.iter("issue"):
        name = node.get("name", "")
        if name not in known:
            _fail(file, f"issue {name!r} that the domain does not define",
                  f"one of {', '.join(known)}", text, f'name="{name}"')
        where = f'name="{name}"'
        by_index[_index(node.get("index", str(len(by_index) + 1)), f"issue {name!r} with index",
                        file, text, where)] = name
        spec = known[name]
        evals: dict[str, float] = {}
        for item in node.findall("item"):
            value = item.get("value")
            evals[str(value)] = _number(item.get("evaluation"),
                                        f"item {value!r} of {name!r} with evaluation", file,
                                        text, f'value="{value}"')
        ev = node.find("evaluator")
        if not evals and ev is not None and ev.get("ftype") == "linear":
            slope = _number(ev.get("slope", "0"), f"issue {name!r}: slope", file, text, where)
            offset = _number(ev.get("offset", "0"), f"issue {name!r}: offset", file, text, where)
            evals = {o: slope * v + offset for o, v in spec["options"].items()}
        missing = [o for o in spec["options"] if o not in evals]
        if missing:
            _fail(file, f"no evaluation for {', '.join(missing[:5])} of issue {name!r}",
                  "an evaluation for every value", text, f'name="{name}"')
        top = max(evals.values())
        scale = top if top > 1 else 1.0
        if min(evals.values()) < 0:
            _fail(file, f"negative evaluation on issue {name!r}", "evaluations >= 0", text,
                  f'name="{name}"')
        tables[name] = {o: evals[o] / scale for o in spec["options"]}
    weights: dict[str, float] = {}
    for node in obj.findall("weight"):
        raw = node.get("index", "0")
        idx = _index(raw, "a weight with index", file, text, f'<weight index="{raw}"')
        if idx in by_index:
            weights[by_index[idx]] = _number(node.get("value", "0"), "a weight of value", file,
                                             text, f'<weight index="{raw}"')
    res = root.find("reservation")
    disc = root.find("discount_factor")
    return {
        "tables": tables,
        "weights": weights,
        "reservation": (None if res is None else _number(
            res.get("value", "0"), "a reservation value", file, text, "<reservation")),
        "discount": (None if disc is None else _number(
            disc.get("value", "1"), "a discount factor", file, text, "<discount_factor")),
    }


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
           name: str) -> Scenario:
    dtext, dfile = domain
    droot = _parse(dtext, dfile)
    issues = _domain_issues(droot, dtext, dfile)
    if not profiles and dfile is not None:
        _fail(dfile, "a GENIUS domain with no utility space beside it",
              "one utility-space XML file per party in the domain's folder")
    obj = _objective(droot)
    scen_name = obj.get("name") or name
    if scen_name in ("", "any"):
        scen_name = name
    actors, stances = [], []
    tables: dict[str, Any] = {}
    discount: dict[str, float] = {}
    ids = _actor_ids([Path(f) for _, f in profiles])
    for actor, (ptext, pfile) in zip(ids, profiles, strict=True):
        prof = _profile(_parse(ptext, pfile), ptext, pfile, issues)
        entry: dict[str, Any] = {"id": actor, "capability": 1.0}
        if prof["reservation"] is not None:
            entry["batna"] = prof["reservation"]
        actors.append(entry)
        tables[actor] = prof["tables"]
        if prof["discount"] is not None:
            discount[actor] = prof["discount"]
        total = sum(prof["weights"].values())
        for spec in issues:
            if spec["id"] not in prof["tables"]:
                continue
            t = prof["tables"][spec["id"]]
            best = max(t, key=lambda o: (t[o], -list(spec["options"]).index(o)))
            w = prof["weights"].get(spec["id"], 0.0)
            stances.append({"actor": actor, "issue": spec["id"],
                            "position": spec["options"][best],
                            "salience": min(1.0, w / total) if total > 0 else 0.0})
    data = {
        "name": scen_name,
        "title": f"GENIUS domain {scen_name}",
        "actors": actors,
        "issues": [{k: v for k, v in i.items() if k != "kind"} for i in issues],
        "stances": stances,
        "metadata": {"utility_tables": tables,
                     "genius": {"domain": dfile, "discount": discount,
                                "kinds": {i["id"]: i["kind"] for i in issues}}},
    }
    return Scenario.from_dict(data, file=dfile)


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


def _from_folder(domain_file: str, text: str, files: list[tuple[Path, str]]) -> Scenario:
    """The scenario of a domain and the utility spaces among ``files`` (its folder's)."""
    here = Path(domain_file).resolve()
    profiles = [(t, str(p)) for p, t in files
                if p.resolve() != here and not _is_domain(t) and sniff(t)]
    return _build((text, domain_file), profiles, Path(domain_file).stem)


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    """Read a GENIUS domain (its profiles beside it) or one profile (its domain beside it)."""
    if file is None:
        if not _is_domain(text):
            _fail(file, "a GENIUS utility space without its domain", "the domain file")
        return [_build((text, None), [], "genius")]
    files = _xml_files(Path(file).parent)
    if _is_domain(text):
        return [_from_folder(file, text, files)]
    here = Path(file).resolve()
    domains = [(p, t) for p, t in files if p.resolve() != here and _is_domain(t) and sniff(t)]
    if len(domains) != 1:
        _fail(file, f"{len(domains)} GENIUS domain files beside this utility space",
              "exactly one domain file (root <negotiation_template>) in the same folder")
    (domain, domain_text), = domains
    return [_from_folder(str(domain), domain_text, files)]


def read_genius(path: str | os.PathLike[str],
                profiles: Sequence[str | os.PathLike[str]] | None = None) -> Scenario:
    """A scenario from a GENIUS folder, or a domain file and explicit profile files."""
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
        return loads(text, file=str(path))[0]
    return _build((text, str(path)), [(_read_text(Path(p)), str(p)) for p in profiles],
                  path.stem)


def _esc(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def _safe_file(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "x"


def dumps_genius(scenario: Scenario, *, utility: str = "linear") -> dict[str, str]:
    """``{file name: XML}``: the domain and one utility space per actor."""
    from detente.deals.utility import DealProblem

    problem = DealProblem.from_scenario(scenario, utility=utility)  # type: ignore[arg-type]
    space = problem.space
    base = _safe_file(scenario.name)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<negotiation_template>",
             f'<utility_space number_of_issues="{len(space.issues)}">',
             f'<objective index="0" etype="objective" type="objective" description="" '
             f'name="{_esc(scenario.name)}">']
    for i, issue in enumerate(space.issues):
        lines.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" '
                     f'vtype="discrete" name="{_esc(issue)}">')
        for k, opt in enumerate(space.option_names[i]):
            lines.append(f'  <item index="{k + 1}" value="{_esc(opt)}" cost="0" '
                         'description=""/>')
        lines.append("</issue>")
    lines += ["</objective>", "</utility_space>", "</negotiation_template>", ""]
    files = {f"{base}-domain.xml": "\n".join(lines)}
    weight = problem.weight if problem.weight is not None else None
    for a, actor in enumerate(problem.actors):
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               f'<utility_space number_of_issues="{len(space.issues)}">',
               f'<objective index="0" etype="objective" type="objective" description="" '
               f'name="{_esc(scenario.name)}">']
        for i, issue in enumerate(space.issues):
            w = float(weight[a, i]) if weight is not None else 0.0
            out.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" '
                       f'vtype="discrete" name="{_esc(issue)}">')
            col = problem.tables[i][:, a]
            for k, opt in enumerate(space.option_names[i]):
                ev = float(col[k] / w) if w > 0 else 0.0
                out.append(f'  <item index="{k + 1}" value="{_esc(opt)}" '
                           f'evaluation="{ev!r}"/>')
            out.append("</issue>")
            out.append(f'<weight index="{i + 1}" value="{w!r}"/>')
        out += ["</objective>", f'<reservation value="{float(problem.batna[a])!r}"/>',
                '<discount_factor value="1.0"/>', "</utility_space>", ""]
        files[f"{base}-{_safe_file(actor)}.xml"] = "\n".join(out)
    return files


def write_genius(scenario: Scenario, directory: str | os.PathLike[str], *,
                 utility: str = "linear") -> list[Path]:
    """Write the domain and the profiles into ``directory`` (atomically, file by file)."""
    out = []
    for name, text in dumps_genius(scenario, utility=utility).items():
        path = Path(directory) / name
        write_text_atomic(path, text)
        out.append(path)
    return out
