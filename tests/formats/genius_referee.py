"""An independent referee for GENIUS domains: exact utilities and the exact frontier.

Written for the tests from GENIUS 10.4's documented behaviour, sharing no code
with detente: it parses the XML with the standard library, evaluates every
outcome one at a time in :class:`fractions.Fraction` arithmetic, and finds the
frontier by comparing every pair of acceptable outcomes.

- discrete issue: evaluation / largest evaluation of the issue (0 if that is
  below 0.00001); integer issue: ``clamp(slope·(x − lowerbound) + offset, 0, 1)``;
- linear utility: ``min(1, Σ weight · evaluation)`` with the weights as written;
- nonlinear utility: ``min(1, Σ satisfied rectangle utility·weight (nested ufuns
  times their weight) / maxutility)``; an EXCLUDES rectangle counts when a bound
  fails;
- acceptable: utility at least the reservation value (0 when absent);
- names trimmed; a bare ``&`` read as the character.

Also writes small random GENIUS folders (decimal numbers, ties likely, stray
spaces, lower bounds, weights not summing to 1) for the oracle tests.
"""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path


def _issues(domain: ET.Element) -> list[dict]:
    out = []
    for k, node in enumerate(domain.iter("issue")):
        kind = node.get("type") or node.get("etype") or "discrete"
        if kind == "integer":
            lo, hi = int(node.get("lowerbound")), int(node.get("upperbound"))
            values = [str(v) for v in range(lo, hi + 1)]
        else:
            values = [it.get("value").strip() for it in node.findall("item")]
        out.append({"name": node.get("name").strip(), "index": int(node.get("index", k + 1)),
                    "kind": kind, "values": values})
    return out


def _party(root: ET.Element, issues: list[dict]) -> dict:
    res = root.find("reservation")
    party: dict = {"reservation": Fraction(res.get("value")) if res is not None else Fraction(0)}
    obj = root.find("objective")
    util = next((n for n in obj if n.tag in ("utility", "utility_function")), None)
    by_index = {i["index"]: i["name"] for i in issues}
    if util is not None:
        party["max"] = Fraction(util.get("maxutility"))

        def terms(ufun: ET.Element, factor: Fraction) -> list:
            out = []
            for rect in ufun.findall("hyperRectangle"):
                excl = rect.findall("EXCLUDES")
                bounds = [(by_index[int(b.get("index"))], Fraction(b.get("min")),
                           Fraction(b.get("max"))) for b in (excl or rect.findall("INCLUDES"))]
                value = Fraction(rect.get("utility")) * Fraction(rect.get("weight", "1"))
                out.append((not excl, bounds, value * factor))
            for inner in ufun.findall("ufun"):
                out += terms(inner, factor * Fraction(inner.get("weight", "1")))
            return out

        party["rects"] = terms(util.find("ufun"), Fraction(1))
        return party
    kinds = {i["name"]: i for i in issues}
    index_name, evals = {}, {}
    for node in obj.iter("issue"):
        name = node.get("name").strip()
        index_name[int(node.get("index"))] = name
        if kinds[name]["kind"] == "integer":
            ev = node.find("evaluator")
            lo = int(node.get("lowerbound", kinds[name]["values"][0]))
            evals[name] = ("line", lo, Fraction(ev.get("slope")), Fraction(ev.get("offset")))
        else:
            raw = {it.get("value").strip(): Fraction(it.get("evaluation"))
                   for it in node.findall("item")}
            top = max(raw.values())
            evals[name] = ("table", {v: (e / top if top >= Fraction(1, 100000) else Fraction(0))
                                     for v, e in raw.items()})
    party["weights"] = {index_name[int(w.get("index"))]: Fraction(w.get("value"))
                        for w in obj.findall("weight") if int(w.get("index")) in index_name}
    party["evals"] = evals
    return party


def read(folder: Path) -> tuple[list[dict], dict[str, dict]]:
    """``(issues, {profile file stem: party})`` of a GENIUS folder."""
    domain, parties = None, {}
    for f in sorted(folder.glob("*.xml")):
        # GENIUS's own parser reads a bare "&" as the character (an ANAC 2015 domain has one)
        text = re.sub(r"&(?![#\w.-]+;)", "&amp;", f.read_text(encoding="utf-8"))
        root = ET.fromstring(text)
        if root.tag == "negotiation_template":
            domain = root
        else:
            parties[f.stem] = root
    issues = _issues(domain)
    return issues, {k: _party(v, issues) for k, v in parties.items()}


def utility(party: dict, outcome: dict[str, str]) -> Fraction:
    if "rects" in party:
        total = Fraction(0)
        for inside, bounds, value in party["rects"]:
            ok = all(lo <= int(outcome[i]) <= hi for i, lo, hi in bounds)
            if ok == inside:
                total += value
        return min(Fraction(1), total / party["max"])
    total = Fraction(0)
    for name, w in party["weights"].items():
        ev = party["evals"][name]
        if ev[0] == "line":
            _, lo, slope, offset = ev
            v = min(Fraction(1), max(Fraction(0), slope * (int(outcome[name]) - lo) + offset))
        else:
            v = ev[1][outcome[name]]
        total += w * v
    return min(Fraction(1), total)


def outcomes(issues: list[dict]) -> list[tuple[str, ...]]:
    return list(itertools.product(*(i["values"] for i in issues)))


def table(folder: Path) -> tuple[list[tuple[str, ...]], list[str], list[list[Fraction]],
                                 list[Fraction]]:
    """Every outcome, the party names, exact utilities ``[outcome][party]``, reservations."""
    issues, parties = read(folder)
    names = sorted(parties)
    outs = outcomes(issues)
    utils = [[utility(parties[p], dict(zip([i["name"] for i in issues], o, strict=True)))
              for p in names] for o in outs]
    return outs, names, utils, [parties[p]["reservation"] for p in names]


def frontier(folder: Path) -> set[tuple[str, ...]]:
    """The acceptable outcomes no acceptable outcome weakly dominates (ties kept)."""
    outs, _, utils, res = table(folder)
    ok = [k for k, u in enumerate(utils) if all(x >= r for x, r in zip(u, res, strict=True))]
    front = set()
    for k in ok:
        uk = utils[k]
        if not any(all(a >= b for a, b in zip(utils[j], uk, strict=True)) and utils[j] != uk
                   for j in ok):
            front.add(outs[k])
    return front


def nash_best(folder: Path) -> set[tuple[str, ...]]:
    """The frontier outcomes with the largest product of gains over the reservation values
    (then the largest total utility)."""
    outs, _, utils, res = table(folder)
    front = frontier(folder)
    scored = []
    for o, u in zip(outs, utils, strict=True):
        if o in front:
            p = Fraction(1)
            for x, r in zip(u, res, strict=True):
                p *= x - r
            scored.append(((p, sum(u)), o))
    top = max(s for s, _ in scored)
    return {o for s, o in scored if s == top}


# ---- random GENIUS folders ----------------------------------------------------------


def _dec(rng: random.Random, choices: list[str]) -> str:
    return rng.choice(choices)


def write_random(folder: Path, seed: int, *, nonlinear: bool = False, long: bool = False
                 ) -> None:
    """A small random GENIUS negotiation: 2–3 parties, 3–4 issues, decimal numbers
    (``long``: reservation values with 21 decimals, past float64's exact integers)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    issues = []
    for k in range(3 if nonlinear or rng.random() < 0.4 else 4):
        if nonlinear or rng.random() < 0.4:
            lo = rng.choice([0, 1, 10])
            issues.append(("integer", f" I{k}" if rng.random() < 0.3 else f"I{k}", lo,
                           lo + rng.choice([2, 3, 4])))
        else:
            n = rng.choice([2, 3])
            items = [f"v{k}{j}" + (" " if rng.random() < 0.3 else "") for j in range(n)]
            issues.append(("discrete", f"D{k}", items, None))
    dom = ['<negotiation_template><utility_space><objective index="0" name="rnd">']
    for k, (kind, name, a, b) in enumerate(issues):
        if kind == "integer":
            dom.append(f'<issue index="{k + 1}" name="{name}" type="integer" etype="integer" '
                       f'lowerbound="{a}" upperbound="{b}"/>')
        else:
            dom.append(f'<issue index="{k + 1}" name="{name}" type="discrete" etype="discrete">')
            dom += [f'<item index="{j + 1}" value="{v}"/>' for j, v in enumerate(a)]
            dom.append("</issue>")
    dom.append("</objective></utility_space></negotiation_template>")
    (folder / "rnd-domain.xml").write_text("\n".join(dom), encoding="utf-8")
    # short decimals whose float sums miss exact ties (0.1 + 0.2 != 0.3, 0.7 + 0.1 != 0.8)
    weights = ["0.1", "0.2", "0.3", "0.6", "0.7", "0.05", "0.15", "0.4"]
    evals = ["0", "1", "1", "0.1", "0.2", "0.3", "0.5", "0.7", "2"]
    parts = [p for p in [("0.1", "0.2", "0.7"), ("0.3", "0.3", "0.4"), ("0.05", "0.15", "0.8"),
                         ("0.6", "0.3", "0.1"), ("0.7", "0.1", "0.2"), ("0.1", "0.2", "0.3", "0.4"),
                         ("0.7", "0.1", "0.1", "0.1"), ("0.2", "0.1", "0.4", "0.3")]
             if len(p) == len(issues)]
    for p in range(rng.choice([2, 3])):
        ws = rng.choice(parts) if rng.random() < 0.7 else [_dec(rng, weights) for _ in issues]
        out = ['<utility_space><objective index="0" name="rnd">']
        if nonlinear:
            out.append(f'<utility maxutility="{rng.choice(["10", "12.5", "20"])}">'
                       '<ufun type="PlainUfun" weight="1" aggregation="sum">')
            for _ in range(rng.choice([3, 4, 5])):
                tag = "EXCLUDES" if rng.random() < 0.2 else "INCLUDES"
                out.append(f'<hyperRectangle utility="{rng.choice(["2", "3.5", "5", "7"])}">')
                for k, (_, _, lo, hi) in enumerate(issues):
                    if rng.random() < 0.6:
                        x = rng.randint(lo, hi)
                        out.append(f'<{tag} index="{k + 1}" min="{x}" '
                                   f'max="{min(hi, x + rng.randint(0, 2))}"/>')
                out.append("</hyperRectangle>")
            out.append('<ufun weight="0.5" aggregation="sum">'
                       '<hyperRectangle utility="4"/></ufun>')
            out.append("</ufun></utility>")
        else:
            for k, (kind, name, a, b) in enumerate(issues):
                spaced = f" {name.strip()} " if rng.random() < 0.3 else name
                if kind == "integer":
                    slope = _dec(rng, ["0.25", "-0.25", "0.5", "-0.1"])
                    offset = _dec(rng, ["0", "0.5", "1", "0.75"])
                    out.append(f'<issue index="{k + 1}" name="{spaced}" type="integer" '
                               f'etype="integer" lowerbound="{a}" upperbound="{b}">'
                               f'<evaluator ftype="linear" slope="{slope}" '
                               f'offset="{offset}"/></issue>')
                else:
                    out.append(f'<issue index="{k + 1}" name="{spaced}" type="discrete">')
                    out += [f'<item index="{j + 1}" value=" {v.strip()}" '
                            f'evaluation="{_dec(rng, evals)}"/>' for j, v in enumerate(a)]
                    out.append("</issue>")
                out.append(f'<weight index="{k + 1}" value="{ws[k]}"/>')
        out.append("</objective>")
        res = _dec(rng, ["0", "0.2", "0.3", "0.5", "0.8"])
        if long:
            res = f"{float(res):.1f}" + "0" * 19 + "1"
        out.append(f'<reservation value="{res}"/>')
        out.append("</utility_space>")
        (folder / f"rnd-party{p}.xml").write_text("\n".join(out), encoding="utf-8")
