"""Turning an edited review into a new scenario version.

The new scenario starts from the one the draft bears on (``into``; it must
not have changed since the draft, checked by its content hash) or, without
one, from nothing but the article's title and date. Then, for every entry
with ``accept: true``:

- an actor the scenario lacks is added (its ``capability`` must be filled in);
- an issue the scenario lacks is added with the scale given in the review;
- a stance the scenario has keeps its numbers unless the review changes them,
  gains the article as a source, and takes the review's evidence note if one
  is written; a new stance needs ``position`` and ``salience``, and its
  evidence defaults to its first quote;
- the article becomes a source (reusing a source of the same title).

``as_of`` becomes the review's ``as_of``. When the article file is still
where the review says and unchanged (same SHA-256), every quote is checked to
be the text at its offsets. Every problem names the review file's line; the
result is validated as any scenario is.
"""

from __future__ import annotations

from typing import Any

from detente.errors import Problem, ScenarioError
from detente.formats.scenario_yaml import locate
from detente.inputs.draft.review import ProposedStance, Quote, Review
from detente.inputs.draft.words import slug
from detente.scenario import Scenario


def apply_review(review: Review, *, base: Scenario | None, file: str, root: Any = None,
                 article_text: str | None = None) -> Scenario:
    """The scenario an edited review makes (see the module docstring)."""
    problems: list[Problem] = []

    def add(path: tuple[str | int, ...], found: str, expected: str) -> None:
        problems.append(Problem(path, found, expected, file, locate(root, path) if root else None))

    if review.into is not None and base is not None and base.hash != review.into.hash:
        add(("into", "hash"), f"{review.into.file} has changed since the draft (hash "
            f"{base.hash}, the draft saw {review.into.hash})",
            "the scenario the draft was made against: draft the article again")
    if article_text is not None:
        _check_quotes(review, article_text, add)
    data = base.to_dict() if base is not None else _empty(review)
    source_id = _source(data, review)
    actors = {a["id"] for a in data["actors"]}
    issues = {i["id"] for i in data["issues"]}
    stances = {(s["actor"], s["issue"]): s for s in data["stances"]}
    for k, p in enumerate(review.proposed):
        if not p.accept:
            continue
        if p.kind == "actor" and p.id not in actors:
            actors.add(p.id)  # its stances are checked even while its capability is missing
            if p.capability is None:
                add(("proposed", k, "capability"), "nothing",
                    f"the capability (clout, >= 0) of new actor {p.id!r}, or accept: false")
                continue
            data["actors"].append({"id": p.id, "name": p.name, "capability": p.capability})
        elif p.kind == "issue" and p.id not in issues:
            issue: dict[str, Any] = {"id": p.id, "name": p.name, "low": p.low, "high": p.high}
            if p.anchors:
                issue["anchors"] = dict(p.anchors)
            if p.status_quo is not None:
                issue["status_quo"] = p.status_quo
            data["issues"].append(issue)
            issues.add(p.id)
    for k, p in enumerate(review.proposed):
        if p.accept and p.kind == "stance":
            _stance(k, p, stances, data, actors, issues, source_id, add)
    if review.as_of is not None:
        data["as_of"] = review.as_of.isoformat()
    if problems:
        raise ScenarioError(problems, file=file)
    try:
        return Scenario.from_dict(data)
    except ScenarioError as exc:
        raise ScenarioError([Problem(p.path, p.found, p.expected + " (in the scenario this "
                                     "review makes)", file) for p in exc.problems],
                            file=file) from None


def _empty(review: Review) -> dict[str, Any]:
    title = review.article.title or "draft"
    return {"name": slug(title), "title": title, "sources": [], "actors": [], "issues": [],
            "stances": []}


def _source(data: dict[str, Any], review: Review) -> str:
    art = review.article
    for known in data.get("sources", []):
        if art.title and known.get("title") == art.title:
            return str(known["id"])
    ids = {s["id"] for s in data.get("sources", [])}
    base_id = f"article-{art.date.isoformat()}" if art.date else f"article-{art.sha256[:8]}"
    sid, n = base_id, 2
    while sid in ids:
        sid, n = f"{base_id}-{n}", n + 1
    src: dict[str, Any] = {"id": sid, "title": art.title or art.file, "note": art.file}
    if art.date:
        src["date"] = art.date.isoformat()
    data.setdefault("sources", []).append(src)
    return sid


def _stance(k: int, p: ProposedStance, stances: dict[tuple[str, str], dict[str, Any]],
            data: dict[str, Any], actors: set[str], issues: set[str], source_id: str,
            add: Any) -> None:
    path: tuple[str | int, ...] = ("proposed", k)
    missing = [(w, v) for w, v, known in (("actor", p.actor, actors), ("issue", p.issue, issues))
               if v not in known]
    for what, value in missing:
        add(path + (what,), f"{what} {value!r}, neither in the scenario nor an accepted proposal",
            f"an accepted {what} (or accept: false on this stance)")
    if missing:
        return
    st = stances.get((p.actor, p.issue))
    if st is None:
        for number in ("position", "salience"):
            if getattr(p, number) is None:
                add(path + (number,), "nothing", f"the {number} of new stance {p.actor} on "
                    f"{p.issue} (the analyst decides), or accept: false")
        if p.position is None or p.salience is None:
            return
        st = {"actor": p.actor, "issue": p.issue, "position": p.position,
              "salience": p.salience, "evidence": p.evidence or _quoted(p.quotes[0])}
        data["stances"].append(st)
        stances[(p.actor, p.issue)] = st
    else:
        for what in ("position", "salience"):
            value = getattr(p, what)
            if value is not None:
                st[what] = value
        if p.evidence:
            st["evidence"] = p.evidence
    for what in ("position", "salience"):
        rng = getattr(p, f"{what}_range")
        if rng is not None:
            st[f"{what}_uncertainty"] = {"kind": "uniform", "low": rng[0], "high": rng[1]}
    st["sources"] = [*st.get("sources", []), *([source_id] * (source_id not in
                                                             st.get("sources", [])))]


def _quoted(q: Quote) -> str:
    text = " ".join(q.text.split())
    return f"Quoted: “{text[:280]}{'…' if len(text) > 280 else ''}”"


def _check_quotes(review: Review, text: str, add: Any) -> None:
    for k, p in enumerate(review.proposed):
        quotes = p.quotes if p.kind == "stance" else [q for q in [getattr(p, "quote", None)] if q]
        for j, q in enumerate(quotes):
            if text[q.start:q.end] != q.text:
                sub = ("quotes", j) if p.kind == "stance" else ("quote",)
                add(("proposed", k, *sub), f"text that is not the article's at {q.start}..{q.end}",
                    "an exact quote (article[start:end]); quotes are not to be edited")
