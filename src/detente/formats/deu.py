"""The DEU table: "Decision-making in the European Union" (Thomson et al.; DEU III,
Arregui & Perarnaud 2021), one row per controversial issue of a legislative proposal.

Layout (tab separated, one header line): proposal columns ``prnr`` (proposal
id), ``isnr`` (issue id), ``prname``, ``type`` (Reg/Dir/Dec), ``council``
(configuration), ``proc`` (COD/CNS), ``counvte`` (QMV/Unan), ``issues``
(issues in the proposal), ``intro`` / ``finact`` (dates, see below), then for
every actor code ``X`` a position column ``pX`` and a salience column ``sX``
(both 0..100; blank = no position), ``rp`` (reference point, blank if none) and
``out`` (the realised outcome). Any other column is kept as it stands.

Reading gives one :class:`~detente.scenario.Scenario` per row (issue):

- actors: those with a position, in the file's column order; capability 1
  (DEU records none: :mod:`detente.power.council` derives them);
- the issue: scale 0..100, ``status_quo`` = ``rp`` when present;
- stances: ``position`` = pX, ``salience`` = sX / 100. A position without a
  salience gets salience 0 (the actor is present but carries no weight) and
  is listed in ``metadata["missing_salience"]``;
- ``metadata``: ``dataset = "deu"``, proposal id and name, issue number in the
  file, act type, Council configuration, procedure, voting rule, number of
  issues, dates (raw and decoded), ``outcome`` (``out``, or ``None``),
  ``reference_point``, the source line, and any extra columns.

Dates. The published pooled file went through a spreadsheet that rewrote
many ``dd-mm-yy`` dates as ``yyyy-mm-dd`` with the day in the year's last two
digits (``21-09-05`` became ``2021-09-05``); ``999`` means none. The reader
decodes ``dd-mm-yy``, ``dd-mm-yyyy`` and that rewritten form (a ``yyyy`` of
1900-1931 or 2000-2031 is read as such a day); ``intro_date`` /
``decision_date`` hold the ISO result or ``None``, ``intro`` / ``finact`` the
raw text.

Writing (:func:`dumps`, :func:`dumps_all`) gives the same layout back for
scenarios whose actors are DEU actor codes on a 0..100 scale: one row per
issue, proposal fields from the metadata.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from detente.errors import DetenteError, FormatError, Problem, ScenarioError
from detente.scenario import Scenario

NAME = "deu"

#: actor code -> name, in the column order of the published files
ACTORS: dict[str, str] = {
    "com": "European Commission",
    "ep": "European Parliament",
    "at": "Austria",
    "be": "Belgium",
    "bu": "Bulgaria",
    "cr": "Croatia",
    "cy": "Cyprus",
    "cz": "Czech Republic",
    "dk": "Denmark",
    "ee": "Estonia",
    "fi": "Finland",
    "fr": "France",
    "de": "Germany",
    "el": "Greece",
    "hu": "Hungary",
    "ie": "Ireland",
    "it": "Italy",
    "lv": "Latvia",
    "lt": "Lithuania",
    "lu": "Luxembourg",
    "mt": "Malta",
    "nl": "Netherlands",
    "pl": "Poland",
    "pt": "Portugal",
    "ro": "Romania",
    "si": "Slovenia",
    "sk": "Slovakia",
    "es": "Spain",
    "se": "Sweden",
    "uk": "United Kingdom",
}
INSTITUTIONS = ("com", "ep")

#: proposal-level columns before the actor columns, in the published order
LEAD_COLUMNS = ("prnrnmc", "isnrnmc", "prnr", "prname", "isnr", "type", "council", "proc",
                "counvte", "proccde", "issues", "intro", "finact")
REQUIRED = ("prnr", "isnr", "out")
MISSING = {"", "na", "n/a", ".", "nan"}
MISSING_DATE = {"", "999", "na", "."}


def _at_line(line: int) -> Callable[[Any], int]:
    """Every problem of a row is located at the row's line."""
    return lambda _path: line


def sniff(text: str) -> bool:
    """A DEU table: a tab-separated header with ``prnr``, ``isnr`` and ``pcom``-style pairs."""
    header = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r").split("\t")
    cols = {c.strip().lower() for c in header}
    return {"prnr", "isnr", "out"} <= cols and any(
        f"p{a}" in cols and f"s{a}" in cols for a in ACTORS
    )


# ---- reading ------------------------------------------------------------------------


def loads(text: str, *, file: str | None = None) -> list[Scenario]:
    """Every issue of a DEU table as a scenario; all bad cells reported at once."""
    # no quoting in DEU tables: one line per row, cells split at tabs
    rows = [line.split("\t") for line in text.lstrip("\ufeff").splitlines()]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise FormatError([Problem((), "an empty file", "a DEU header line", file, 1)], file=file)
    header = [c.strip().lower() for c in rows[0]]
    problems: list[Problem] = []

    def bad(column: str, line: int, found: str, expected: str) -> None:
        problems.append(Problem((column,), found, expected, file, line))

    missing_cols = [c for c in REQUIRED if c not in header]
    actors = [a for a in ACTORS if f"p{a}" in header and f"s{a}" in header]
    if missing_cols:
        bad(missing_cols[0], 1, f"a header without {', '.join(missing_cols)}",
            "the DEU columns prnr, isnr, ..., out")
    if not actors:
        bad("header", 1, "no actor columns", "pairs of position/salience columns such as pcom/scom")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        bad(dupes[0], 1, f"duplicate column(s) {', '.join(dupes)}", "each column once")
    if problems:
        raise FormatError(problems, file=file)

    col = {c: k for k, c in enumerate(header)}
    actor_cols = {f"{p}{a}" for a in actors for p in "ps"}
    extra_cols = [c for c in header
                  if c not in actor_cols and c not in LEAD_COLUMNS and c not in ("rp", "out")]
    scenarios: list[Scenario] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            bad("row", n, f"{len(row)} cells", f"{len(header)} cells, as in the header")
            continue
        cells = {c: row[k].strip() for c, k in col.items()}
        before = len(problems)
        scenario_data = _row_to_dict(cells, actors, extra_cols, n, bad)
        if len(problems) > before or scenario_data is None:
            continue
        isnr = scenario_data["name"]
        if isnr in seen:
            bad("isnr", n, f"issue id {isnr!r} again (first on line {seen[isnr]})",
                "a unique issue id per row")
            continue
        seen[isnr] = n
        try:
            scenarios.append(
                Scenario.from_dict(scenario_data, file=file, locate=_at_line(n))
            )
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FormatError(problems, file=file)
    if not scenarios:
        raise FormatError([Problem((), "a header and no issue rows", "at least one issue row",
                                   file, 1)], file=file)
    return scenarios


def _number(cells: dict[str, str], column: str, line: int, bad: Any, *,
            low: float | None = 0.0, high: float | None = 100.0) -> float | None:
    raw = cells.get(column, "")
    if raw.lower() in MISSING:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        bad(column, line, f"{raw!r}", "a number (or a blank cell)")
        return None
    if not math.isfinite(value):
        bad(column, line, f"{raw!r}", "a finite number")
        return None
    if low is not None and high is not None and not low <= value <= high:
        bad(column, line, f"{value:g}", f"a value within {low:g}..{high:g} (or a blank cell)")
        return None
    return value


def _row_to_dict(cells: dict[str, str], actors: Sequence[str], extra_cols: Sequence[str],
                 line: int, bad: Any) -> dict[str, Any] | None:
    prnr, isnr = cells.get("prnr", ""), cells.get("isnr", "")
    if not prnr:
        bad("prnr", line, "an empty proposal id", "a proposal id such as d00032")
    if not isnr:
        bad("isnr", line, "an empty issue id", "an issue id such as d00032i1")
    stances: list[dict[str, Any]] = []
    missing_salience = []
    for a in actors:
        pos = _number(cells, f"p{a}", line, bad)
        sal = _number(cells, f"s{a}", line, bad)
        if pos is None:
            continue
        if sal is None:
            missing_salience.append(a)
        stances.append({"actor": a, "issue": isnr or "?", "position": pos,
                        "salience": 0.0 if sal is None else sal / 100.0})
    rp = _number(cells, "rp", line, bad)
    out = _number(cells, "out", line, bad, low=None, high=None)
    if not stances:
        bad(f"p{actors[0]}", line, "no actor with a position", "at least one position")
    if not prnr or not isnr or not stances:
        return None
    prname = cells.get("prname", "")
    intro, finact = cells.get("intro", ""), cells.get("finact", "")
    intro_date = decode_date(intro)
    decision_date = decode_date(finact)
    metadata: dict[str, Any] = {
        "dataset": "deu",
        "proposal": prnr,
        "proposal_name": prname,
        "issue_number": _maybe_int(cells.get("isnrnmc", "")),
        "proposal_number": _maybe_int(cells.get("prnrnmc", "")),
        "act_type": cells.get("type", ""),
        "council": cells.get("council", ""),
        "procedure": cells.get("proc", ""),
        "procedure_code": cells.get("proccde", ""),
        "voting_rule": cells.get("counvte", ""),
        "issues_in_proposal": _maybe_int(cells.get("issues", "")),
        "intro": intro,
        "finact": finact,
        "intro_date": intro_date.isoformat() if intro_date else None,
        "decision_date": decision_date.isoformat() if decision_date else None,
        "reference_point": rp,
        "outcome": out,
        "source_line": line,
    }
    if missing_salience:
        metadata["missing_salience"] = missing_salience
    if extra_cols:
        metadata["extra"] = {c: cells.get(c, "") for c in extra_cols}
    used = [s["actor"] for s in stances]
    number = cells.get("isnrnmc", "")
    return {
        "name": isnr,
        "title": f"{prname or prnr}: issue {isnr}" + (f" (#{number})" if number else ""),
        "actors": [
            {"id": a, "name": ACTORS[a], "capability": 1.0,
             "bloc": "institution" if a in INSTITUTIONS else "council"}
            for a in used
        ],
        "issues": [{"id": isnr, "name": f"{prname or prnr} {isnr}", "low": 0, "high": 100,
                    **({"status_quo": rp} if rp is not None else {})}],
        "stances": stances,
        "metadata": metadata,
    }


def _maybe_int(raw: str) -> int | str | None:
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        return raw


_DMY2 = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{2})$")
_DMY4 = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _century(yy: int) -> int:
    return 1900 + yy if yy >= 50 else 2000 + yy


def decode_date(raw: str) -> dt.date | None:
    """A DEU date cell as a date, or ``None`` (blank, ``999``, or not decodable).

    ``dd-mm-yy`` and ``dd-mm-yyyy`` are read as written. ``yyyy-mm-dd`` with
    ``yyyy`` in 1900-1931 or 2000-2031 is a spreadsheet's rewrite of
    ``dd-mm-yy``: day = yyyy mod 100, year = 2000 + dd (1900 + dd from 50 on).
    Other ``yyyy-mm-dd`` values are read as ISO dates.
    """
    raw = raw.strip()
    if raw.lower() in MISSING_DATE:
        return None
    try:
        if m := _DMY2.match(raw):
            return dt.date(_century(int(m[3])), int(m[2]), int(m[1]))
        if m := _DMY4.match(raw):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _YMD.match(raw):
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            if 1900 <= year <= 1931 or 2000 <= year <= 2031:
                return dt.date(_century(day), month, year % 100)
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


# ---- writing ------------------------------------------------------------------------


def dumps(scenario: Scenario) -> str:
    """One scenario as a DEU table (one row per issue)."""
    return dumps_all([scenario])


def dumps_all(scenarios: Iterable[Scenario]) -> str:
    """Scenarios as one DEU table. Actors must be DEU codes; scales 0..100."""
    scenarios = list(scenarios)
    extra: list[str] = []
    for sc in scenarios:
        for c in sc.metadata.get("extra", {}) or {}:
            if c not in extra:
                extra.append(c)
    header = list(LEAD_COLUMNS) + [f"p{a}" for a in ACTORS] + [f"s{a}" for a in ACTORS]
    header += ["rp", "out", *extra]
    lines = ["\t".join(header)]
    for sc in scenarios:
        unknown = [a for a in sc.actor_ids if a not in ACTORS]
        if unknown:
            raise DetenteError(
                f"scenario {sc.name!r} cannot be written as a DEU table: actor(s) "
                f"{', '.join(unknown)} are not DEU actor codes ({', '.join(ACTORS)})"
            )
        meta = sc.metadata
        for issue in sc.issues:
            if (issue.low, issue.high) != (0.0, 100.0):
                raise DetenteError(
                    f"scenario {sc.name!r}, issue {issue.id!r}: scale {issue.low:g}..{issue.high:g}"
                    "; a DEU table holds 0..100 scales only"
                )
            prnr = meta.get("proposal") or sc.name
            cells: dict[str, str] = {
                "prnrnmc": _text(meta.get("proposal_number")),
                "isnrnmc": _text(meta.get("issue_number")),
                "prnr": str(prnr),
                "prname": str(meta.get("proposal_name", "")),
                "isnr": issue.id,
                "type": str(meta.get("act_type", "")),
                "council": str(meta.get("council", "")),
                "proc": str(meta.get("procedure", "")),
                "counvte": str(meta.get("voting_rule", "")),
                "proccde": str(meta.get("procedure_code", "")),
                "issues": _text(meta.get("issues_in_proposal", len(sc.issues))),
                "intro": str(meta.get("intro", "")),
                "finact": str(meta.get("finact", "")),
                "rp": _num(issue.status_quo),
                "out": _num(meta.get("outcome")) if len(sc.issues) == 1 else "",
            }
            missing = set(meta.get("missing_salience", ()) or ())
            for a in ACTORS:
                st = sc.stance(a, issue.id)
                cells[f"p{a}"] = "" if st is None else _num(st.position)
                cells[f"s{a}"] = ("" if st is None or a in missing
                                  else _num(round(st.salience * 100.0, 10)))
            for c in extra:
                cells[c] = str((meta.get("extra") or {}).get(c, ""))
            lines.append("\t".join(_clean(cells[c]) for c in header))
    return "\n".join(lines) + "\n"


def _clean(cell: str) -> str:
    """A cell without the characters that would break the tab-separated layout."""
    breaking = "\t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    return " ".join(cell.split()) if any(ch in cell for ch in breaking) else cell


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _num(value: Any) -> str:
    if value is None:
        return ""
    value = float(value)
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)
