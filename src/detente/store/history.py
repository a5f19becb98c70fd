"""``History``: dated scenario versions, cached forecasts and simulations, diffs.

A history is the sequence of versions of one negotiation (by default the
scenario's ``name``), each a whole scenario stored by its content hash with an
``as_of`` date, a note and its sources. Forecasts and simulations are cached
by scenario hash, model, parameters, seed (and draws) and detente version, so
a timeline over many versions reads stored numbers instead of recomputing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from detente import version as _version_module
from detente.errors import DetenteError, OptionError
from detente.extras import extras_of
from detente.json_values import json_number as _num
from detente.models.base import Model
from detente.models.registry import DEFAULT_MODELS, get_model
from detente.scenario import Scenario, Source
from detente.store import db as dbmod
from detente.store.diff import Change, ScenarioDiff, diff_scenarios
from detente.store.portable import read_versions, write_export
from detente.store.schema import ForecastRow, ScenarioRow, SimulationRow, VersionRow

_CHUNK = 500  # rows per IN (...) look-up
_INTERVAL = ("q05", "q95")


def _detente_version() -> str:
    """The running version, read at call time (a cache key must follow an upgrade)."""
    return _version_module.__version__


@dataclass(frozen=True)
class Version:
    """One dated version in a history: which scenario, when, why, on what sources."""

    id: int
    history: str
    scenario_hash: str
    as_of: dt.date
    note: str
    sources: tuple[Source, ...]
    added_at: dt.datetime
    position: int = field(default=0, compare=False)
    """Its place in its history, oldest ``as_of`` first (1-based; 0: not known): the ``N``
    of ``NAME@N``, the reference ``history log`` shows and every command takes."""

    @property
    def stored(self) -> bool:
        """False for a scenario compared without being added (:func:`unsaved`)."""
        return self.id > 0

    @property
    def ref(self) -> str:
        """``NAME@N``: how ``history log`` lists it and ``show``/``diff``/``rm`` take it
        (``#ID``, the database id, only where the place is not known)."""
        return f"{self.history}@{self.position}" if self.position else f"#{self.id}"

    @property
    def label(self) -> str:
        return (f"{self.ref} ({self.as_of})" if self.stored
                else f"{self.history} ({self.as_of}, not stored)")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id if self.stored else None,
                "ref": self.ref if self.stored else None, "history": self.history,
                "scenario_hash": self.scenario_hash,
                "as_of": self.as_of.isoformat(), "note": self.note,
                "sources": [s.model_dump(mode="json", exclude_none=True) for s in self.sources],
                "added_at": self.added_at.isoformat()}


@dataclass(frozen=True)
class Timeline:
    """Each model's forecast per issue per version, with intervals where simulations exist.

    ``point[v][m][issue]`` is model ``models[m]``'s point forecast on version
    ``versions[v]`` (``None`` when the issue is absent or the model gives none);
    ``interval[v][m][issue]`` the 5–95% range of a cached simulation
    (``draws[v][m]`` draws), or ``None``.
    """

    history: str
    versions: tuple[Version, ...]
    models: tuple[str, ...]
    issues: tuple[str, ...]
    point: tuple[tuple[Mapping[str, float | None], ...], ...]
    interval: tuple[tuple[Mapping[str, tuple[float, float] | None], ...], ...]
    draws: tuple[tuple[int | None, ...], ...]
    knife_edges: tuple[Mapping[tuple[str, str], tuple[str, ...]], ...] | None = None
    """Per version, ``(model, issue) -> changes`` (``"kind key"``) that moved the forecast
    from the version before across a knife-edge, as ``history diff`` flags them
    (:meth:`~detente.store.diff.Attributed.knife_edges`); empty for the first version
    and where the diff could not attribute; ``None``: not computed."""

    def knife_edge(self, v: int, model: str, issue: str) -> tuple[str, ...]:
        """The changes that moved ``model``'s forecast on ``issue`` into version ``v``
        across a knife-edge (empty: none, or not computed)."""
        if self.knife_edges is None:
            return ()
        return tuple(self.knife_edges[v].get((model, issue), ()))

    def rows(self) -> list[dict[str, Any]]:
        """One row per version, model and issue (``knife_edge``: the changes that moved it
        across a knife-edge from the version before, when computed)."""
        out = []
        for v, version in enumerate(self.versions):
            for m, model in enumerate(self.models):
                for issue in self.issues:
                    value = self.point[v][m].get(issue)
                    band = self.interval[v][m].get(issue)
                    row = {"version": version.id, "as_of": version.as_of.isoformat(),
                           "model": model, "issue": issue, "forecast": value,
                           "low": band[0] if band else None,
                           "high": band[1] if band else None,
                           "draws": self.draws[v][m]}
                    if self.knife_edges is not None:
                        row["knife_edge"] = list(self.knife_edge(v, model, issue))
                    out.append(row)
        return out

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index(["version", "model", "issue"])

    def to_dict(self) -> dict[str, Any]:
        return {"history": self.history, "models": list(self.models),
                "issues": list(self.issues),
                "versions": [v.to_dict() for v in self.versions], "rows": self.rows()}


@dataclass(frozen=True)
class VersionDiff:
    """Two versions and what changed between them (see :class:`ScenarioDiff`)."""

    a: Version
    b: Version
    diff: ScenarioDiff

    def rows(self) -> list[dict[str, Any]]:
        """One row per model, issue and attributed change: its share of the move."""
        att = self.diff.attributed
        if att is None:
            return []
        return [{"model": model, "issue": issue, "change": f"{c.kind} {c.key}",
                 "contribution": _num(att.contribution[j, m, k]),
                 "move": _num(att.move[m, k])}
                for m, model in enumerate(att.models) for k, issue in enumerate(att.issues)
                for j, c in enumerate(att.changes)]

    def to_frame(self) -> Any:
        """A pandas DataFrame of :meth:`rows`, indexed by model, issue and change."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=["model", "issue", "change", "contribution",
                                                  "move"]).set_index(["model", "issue",
                                                                      "change"])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "a": self.a.to_dict(), "b": self.b.to_dict(),
            "changes": [c.to_dict() for c in self.diff.changes],
            "issues_added": list(self.diff.issues_added),
            "issues_removed": list(self.diff.issues_removed),
            "attribution": None, "unattributed_reason": self.diff.unattributed_reason or None,
        }
        att = self.diff.attributed
        if att is not None:
            edges = att.knife_edges()
            moves = []
            for m, model in enumerate(att.models):
                for k, issue in enumerate(att.issues):
                    moves.append({
                        "model": model, "issue": issue,
                        "before": _num(att.before[m, k]), "after": _num(att.after[m, k]),
                        "move": _num(att.move[m, k]),
                        "contributions": {f"{c.kind} {c.key}": _num(att.contribution[j, m, k])
                                          for j, c in enumerate(att.changes)},
                        "knife_edges": {
                            f"{c.kind} {c.key}": {
                                "low": _num(att.marginal_low[j, m, k]),
                                "high": _num(att.marginal_high[j, m, k])}
                            for j, c in enumerate(att.changes)
                            if j in edges.get((model, issue), ())
                            and att.marginal_low is not None
                            and att.marginal_high is not None},
                    })
            out["attribution"] = {"exact": att.exact, "samples": att.samples,
                                  "evaluations": att.evaluations, "moves": moves}
        return out


class History:
    """The history store: open with a path or URL (default: ``$DETENTE_DB`` or the user's
    data folder), then add versions, list them, forecast, diff and export.

    Use as a context manager (or call :meth:`close`) to release the database.
    ``read_only``: versions cannot be added or removed and computed forecasts and
    simulations are returned without being cached (opening still migrates the schema).
    """

    def __init__(self, db: str | os.PathLike[str] | None = None, *,
                 read_only: bool = False) -> None:
        self.url = dbmod.resolve_url(db)
        self.read_only = read_only
        self._engine: Engine = dbmod.open_engine(self.url)

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise DetenteError(f"{what}: the history store {self.where} is open read only")

    # ---- life cycle ----------------------------------------------------------------------
    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        """The database's URL without its password, for messages."""
        return dbmod.display(self.url)

    def __repr__(self) -> str:
        return f"History({self.where!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction (on SQLite it holds the write lock: BEGIN IMMEDIATE)."""
        with dbmod.guarded(self.url), Session(self._engine) as session, session.begin():
            yield session

    def _insert(self, table: Any) -> Any:
        dialect = sqlite if self._engine.dialect.name == "sqlite" else postgresql
        return dialect.insert(table)

    # ---- versions ------------------------------------------------------------------------
    def add(self, scenario: Scenario, *, as_of: dt.date | str | None = None, note: str = "",
            sources: Iterable[Source | Mapping[str, Any]] | None = None,
            history: str | None = None) -> Version:
        """Store ``scenario`` as a version (idempotent: the same scenario, date and history
        give back the version already stored).

        ``as_of`` defaults to the scenario's own date (required if it has none);
        ``sources`` to the scenario's sources; ``history`` to its name.
        """
        self._writable("add")
        when = _date(as_of) if as_of is not None else scenario.as_of
        if when is None:
            raise OptionError(f"scenario {OptionError.quote(repr(scenario.name))} has no "
                              "as_of date; give one ({as_of YYYY-MM-DD:as_of=YYYY-MM-DD})")
        name = history or scenario.name
        srcs = tuple(s if isinstance(s, Source) else Source(**s) for s in
                     (scenario.sources if sources is None else sources))
        src_json = json.dumps([s.model_dump(mode="json", exclude_none=True) for s in srcs],
                              sort_keys=True)
        body = json.dumps(scenario.to_dict(), sort_keys=True, default=str)
        now = dt.datetime.now(dt.UTC)
        with self._write() as s:
            s.execute(self._insert(ScenarioRow).values(
                hash=scenario.hash, name=scenario.name, body=body, stored_at=now,
            ).on_conflict_do_nothing(index_elements=["hash"]))
            s.execute(self._insert(VersionRow).values(
                history=name, scenario_hash=scenario.hash, as_of=when, note=note,
                sources=src_json, added_at=now,
            ).on_conflict_do_nothing(index_elements=["history", "scenario_hash", "as_of"]))
            row = s.execute(select(VersionRow).where(
                VersionRow.history == name, VersionRow.scenario_hash == scenario.hash,
                VersionRow.as_of == when)).scalar_one()
            added = _version(row)
        return self._placed(added)

    def _placed(self, version: Version) -> Version:
        """``version`` with its :attr:`Version.position` in its history."""
        if version.position:
            return version
        return next((v for v in self.versions(version.history) if v.id == version.id), version)

    def remove(self, ref: str | int | Version) -> Version:
        """Delete one version (a mistaken add). Its scenario, and the results cached on
        it, go too when no other version holds that scenario; one transaction."""
        self._writable("remove")
        version = ref if isinstance(ref, Version) else self.get(ref)
        with self._write() as s:
            s.execute(delete(VersionRow).where(VersionRow.id == version.id))
            still = s.scalar(select(func.count()).select_from(VersionRow)
                             .where(VersionRow.scenario_hash == version.scenario_hash))
            if not still:
                for table in (ForecastRow, SimulationRow):
                    s.execute(delete(table).where(table.scenario_hash == version.scenario_hash))
                s.execute(delete(ScenarioRow).where(ScenarioRow.hash == version.scenario_hash))
        return version

    def histories(self) -> list[str]:
        """The names of the histories in the store."""
        with self._write() as s:
            return list(s.scalars(select(VersionRow.history).distinct()
                                  .order_by(VersionRow.history)))

    def versions(self, history: str | None = None) -> list[Version]:
        """The versions of one history (or of all), oldest ``as_of`` first."""
        q = select(VersionRow).order_by(VersionRow.history, VersionRow.as_of, VersionRow.id)
        if history is not None:
            q = q.where(VersionRow.history == history)
        with self._write() as s:
            rows = [_version(r) for r in s.scalars(q)]
        place: dict[str, int] = {}
        out = []
        for v in rows:
            place[v.history] = place.get(v.history, 0) + 1
            out.append(replace(v, position=place[v.history]))
        return out

    def get(self, ref: str | int, *, history: str | None = None) -> Version:
        """A version by reference: ``NAME@N`` (its :attr:`Version.ref`, as ``history log``
        lists it: the N-th version oldest first, 1-based; ``@-1`` the latest),
        ``NAME@YYYY-MM-DD``, a scenario-hash prefix (4+ hex digits), or its database id
        (``#3``, ``3``, an int: the web app's and old scripts' form). ``@N`` and ``@DATE``
        without a name use ``history`` or the only history.
        """
        text = str(ref).strip().lstrip("#")
        by_id = select(VersionRow).where(VersionRow.id == int(text)) if text.isdigit() else None
        if by_id is not None:
            with self._write() as s:
                found = s.scalars(by_id).first() is not None
            if found or len(text) < 4:  # 4+ digits and no such id: a hash prefix of digits
                return self._placed(self._one(by_id, text))
        if "@" in text:
            name, _, which = text.partition("@")
            versions = self.versions(name or self._only_history(history))
            if not versions:
                raise DetenteError(f"{text}: no history named {name or history!r} "
                                   f"(histories: {', '.join(self.histories()) or 'none'})")
            if re.fullmatch(r"-?\d+", which):
                n = int(which)
                if n == 0 or abs(n) > len(versions):
                    raise DetenteError(f"{text}: the history has versions 1..{len(versions)}")
                return versions[n - 1 if n > 0 else n]
            day = _date(which)
            hits = [v for v in versions if v.as_of == day]
            if not hits:
                raise DetenteError(f"{text}: no version dated {day} (dates: "
                                   + ", ".join(sorted({v.as_of.isoformat() for v in versions}))
                                   + ")")
            return hits[-1]
        if re.fullmatch(r"[0-9a-f]{4,64}", text):
            q = (select(VersionRow).where(VersionRow.scenario_hash.startswith(text))
                 .order_by(VersionRow.id.desc()))
            with self._write() as s:
                rows = [_version(r) for r in s.scalars(q)]
            if rows and len({r.scenario_hash for r in rows}) == 1:
                return self._placed(rows[0])
            if rows:
                raise DetenteError(f"{text}: more than one scenario hash starts so; give more")
        raise DetenteError(f"{ref}: no such version (give an id, NAME@N, NAME@DATE or a "
                           "scenario-hash prefix; `detente history log` lists them)")

    def _one(self, query: Any, text: str) -> Version:
        with self._write() as s:
            row = s.scalars(query).first()
            if row is None:
                raise DetenteError(f"{text}: no such version (`detente history log` lists them)")
            return _version(row)

    def _only_history(self, history: str | None) -> str:
        if history is not None:
            return history
        names = self.histories()
        if len(names) == 1:
            return names[0]
        raise DetenteError("the store holds " + (f"{len(names)} histories ({', '.join(names)})"
                           if names else "no history yet (add one with `detente history add`)")
                           + "; name one")

    def scenario(self, ref: str | int | Version) -> Scenario:
        """The scenario a version holds, rebuilt from the stored whole."""
        version = ref if isinstance(ref, Version) else self.get(ref)
        return self._scenarios([version.scenario_hash])[version.scenario_hash]

    def _scenarios(self, hashes: Sequence[str]) -> dict[str, Scenario]:
        out: dict[str, Scenario] = {}
        with self._write() as s:
            for chunk in _chunks(sorted(set(hashes))):
                for h, body in s.execute(select(ScenarioRow.hash, ScenarioRow.body)
                                         .where(ScenarioRow.hash.in_(chunk))):
                    out[h] = Scenario.from_dict(json.loads(body), file=f"stored scenario {h}")
        return out

    # ---- cached forecasts and simulations --------------------------------------------------
    def forecasts(self, versions: Sequence[Version], models: Sequence[str | Model], *,
                  seed: int | None = 0) -> dict[tuple[str, str], dict[str, float | None]]:
        """``(scenario hash, model name) -> issue -> point forecast``, from the cache where
        present; the rest is computed once and stored."""
        chosen = _models(models)
        hashes = sorted({v.scenario_hash for v in versions})
        found = self._cached_forecasts(hashes, chosen, seed)
        missing = [(h, m) for h in hashes for m in chosen if (h, m.name) not in found]
        if missing:
            scenarios = self._scenarios(sorted({h for h, _ in missing}))
            computed = {(h, m.name): _point(m.bind(extras_of(scenarios[h]))
                                            .forecast(scenarios[h], seed=seed))
                        for h, m in missing}
            self._store_forecasts(computed, {m.name: m for m in chosen}, seed)
            found.update(computed)
        return found

    def _cached_forecasts(self, hashes: Sequence[str], models: Sequence[Model],
                          seed: int | None) -> dict[tuple[str, str], dict[str, float | None]]:
        keys = {(m.name, _params(m)) for m in models}
        out: dict[tuple[str, str], dict[str, float | None]] = {}
        with self._write() as s:
            for chunk in _chunks(hashes):
                q = select(ForecastRow.scenario_hash, ForecastRow.model, ForecastRow.params,
                           ForecastRow.outcome).where(
                    ForecastRow.scenario_hash.in_(chunk),
                    ForecastRow.model.in_([m.name for m in models]),
                    ForecastRow.seed == _seed(seed),
                    ForecastRow.detente_version == _detente_version())
                for h, model, params, outcome in s.execute(q):
                    if (model, params) in keys:
                        out[(h, model)] = json.loads(outcome)
        return out

    def _store_forecasts(self, computed: Mapping[tuple[str, str], Mapping[str, float | None]],
                         models: Mapping[str, Model], seed: int | None) -> None:
        if self.read_only:  # computed for this answer only
            return
        now = dt.datetime.now(dt.UTC)
        rows = [{"scenario_hash": h, "model": name, "params": _params(models[name]),
                 "seed": _seed(seed), "detente_version": _detente_version(),
                 "outcome": json.dumps(point), "computed_at": now}
                for (h, name), point in computed.items()]
        with self._write() as s:
            for chunk in _chunks(rows):
                s.execute(self._insert(ForecastRow).values(chunk).on_conflict_do_nothing())

    def simulations(self, versions: Sequence[Version], models: Sequence[str | Model], *,
                    seed: int = 0, draws: int | None = None,
                    ) -> dict[tuple[str, str], tuple[int, dict[str, dict[str, float]]]]:
        """``(hash, model) -> (draws, issue -> {mean, sd, q05, q50, q95})``.

        With ``draws``, missing simulations of that size are run and stored; without,
        the largest cached simulation of each pair is returned where there is one.
        """
        chosen = _models(models)
        hashes = sorted({v.scenario_hash for v in versions})
        found = self._cached_simulations(hashes, chosen, seed, draws)
        missing = [h for h in hashes if any((h, m.name) not in found for m in chosen)]
        if draws is not None and missing:
            from detente.uncertainty.simulate import simulate

            scenarios = self._scenarios(missing)
            now = dt.datetime.now(dt.UTC)
            rows = []
            for h in missing:
                need = [m for m in chosen if (h, m.name) not in found]
                sim = simulate(scenarios[h], need, draws=draws, seed=seed)
                summary: dict[str, dict[str, dict[str, float]]] = {}
                for row in sim.summary_rows():
                    summary.setdefault(row["model"], {})[row["issue"]] = {
                        k: row[k] for k in ("mean", "sd", "q05", "q50", "q95") if k in row}
                for m in need:
                    found[(h, m.name)] = (draws, summary.get(m.name, {}))
                    rows.append({"scenario_hash": h, "model": m.name, "params": _params(m),
                                 "seed": seed, "draws": draws,
                                 "detente_version": _detente_version(),
                                 "summary": json.dumps(summary.get(m.name, {})),
                                 "computed_at": now})
            with self._write() as s:
                for chunk in _chunks(rows if not self.read_only else []):
                    s.execute(self._insert(SimulationRow).values(chunk).on_conflict_do_nothing())
        return found

    def _cached_simulations(self, hashes: Sequence[str], models: Sequence[Model], seed: int,
                            draws: int | None) -> dict[tuple[str, str], tuple[int, Any]]:
        keys = {(m.name, _params(m)) for m in models}
        out: dict[tuple[str, str], tuple[int, Any]] = {}
        with self._write() as s:
            for chunk in _chunks(hashes):
                q = select(SimulationRow.scenario_hash, SimulationRow.model,
                           SimulationRow.params, SimulationRow.draws,
                           SimulationRow.summary).where(
                    SimulationRow.scenario_hash.in_(chunk),
                    SimulationRow.model.in_([m.name for m in models]),
                    SimulationRow.seed == seed,
                    SimulationRow.detente_version == _detente_version())
                if draws is not None:
                    q = q.where(SimulationRow.draws == draws)
                for h, model, params, n, summary in s.execute(q.order_by(SimulationRow.draws)):
                    if (model, params) in keys:
                        out[(h, model)] = (n, json.loads(summary))  # largest draws wins
        return out

    # ---- views ---------------------------------------------------------------------------
    def timeline(self, history: str | None = None, *,
                 models: Sequence[str | Model] | None = None, seed: int = 0,
                 draws: int | None = None, knife_edges: bool = True) -> Timeline:
        """Each model's forecast per issue across a history's versions (cached).

        With ``draws``, Monte Carlo simulations of that size are run where missing
        and their 5–95% ranges shown; otherwise ranges appear where a simulation
        is already stored. ``knife_edges``: each version's move from the one before is
        attributed as :meth:`diff` does (not cached: about as long as one ``diff`` per
        pair of versions) and the changes that moved a forecast across a knife-edge are
        kept (:attr:`Timeline.knife_edges`).
        """
        name = self._only_history(history)
        versions = self.versions(name)
        if not versions:
            raise DetenteError(f"no history named {name!r} "
                               f"(histories: {', '.join(self.histories()) or 'none'})")
        chosen = _models(models or DEFAULT_MODELS)
        points = self.forecasts(versions, chosen, seed=seed)
        sims = self.simulations(versions, chosen, seed=seed, draws=draws)
        issues: list[str] = []  # the newest version's order, then issues it no longer has
        for v in reversed(versions):
            for m in chosen:
                issues += [i for i in points[(v.scenario_hash, m.name)] if i not in issues]
        return Timeline(
            history=name, versions=tuple(versions), models=tuple(m.name for m in chosen),
            issues=tuple(issues),
            point=tuple(tuple(points[(v.scenario_hash, m.name)] for m in chosen)
                        for v in versions),
            interval=tuple(tuple(_intervals(sims.get((v.scenario_hash, m.name))) for m in chosen)
                           for v in versions),
            draws=tuple(tuple(sims[(v.scenario_hash, m.name)][0]
                              if (v.scenario_hash, m.name) in sims else None for m in chosen)
                        for v in versions),
            knife_edges=self._knife_edges(versions, chosen, seed) if knife_edges else None,
        )

    def _knife_edges(self, versions: Sequence[Version], models: Sequence[Model], seed: int
                     ) -> tuple[dict[tuple[str, str], tuple[str, ...]], ...]:
        """Per version, the knife-edge flags of the diff from the version before (the
        same diff, seed and random orders as :meth:`diff`)."""
        out: list[dict[tuple[str, str], tuple[str, ...]]] = [{}]
        scenarios = self._scenarios(list(dict.fromkeys(v.scenario_hash for v in versions)))
        for before, after in itertools.pairwise(versions):
            if before.scenario_hash == after.scenario_hash:
                out.append({})
                continue
            att = diff_scenarios(scenarios[before.scenario_hash],
                                 scenarios[after.scenario_hash], models, seed=seed,
                                 rng=np.random.default_rng(0)).attributed
            out.append({} if att is None else {
                key: tuple(f"{att.changes[j].kind} {att.changes[j].key}" for j in found)
                for key, found in att.knife_edges().items()})
        return tuple(out)

    def _side(self, ref: str | int | Version | Scenario) -> tuple[Version, Scenario]:
        if isinstance(ref, Scenario):
            return unsaved(ref), ref
        version = ref if isinstance(ref, Version) else self.get(ref)
        return version, self.scenario(version)

    def diff(self, a: str | int | Version | Scenario, b: str | int | Version | Scenario, *,
             models: Sequence[str | Model] | None = None, seed: int | None = 0,
             rng: np.random.Generator | None = None, samples: int = 2000) -> VersionDiff:
        """What changed from version ``a`` to ``b`` and how much each change moved each
        model's forecast (Shapley; exact up to 12 changes, else ``samples`` random
        orders from ``rng``, default seeded with 0). Either side may be a scenario not
        stored (an edited file, to see what adding it would change)."""
        (va, sa), (vb, sb) = self._side(a), self._side(b)
        result = diff_scenarios(sa, sb, _models(models or DEFAULT_MODELS), seed=seed,
                                rng=rng if rng is not None else np.random.default_rng(0),
                                samples=samples)
        return VersionDiff(va, vb, _with_sources(result, va, vb))

    # ---- portable files ------------------------------------------------------------------
    def export(self, path: str | os.PathLike[str], *, history: str | None = None) -> Path:
        """Write the versions (of one history, or all) with their whole scenarios to a
        portable JSON file (atomically); :meth:`import_file` reads it back."""
        versions = self.versions(history)
        scenarios = self._scenarios([v.scenario_hash for v in versions])
        return write_export(Path(path), versions, scenarios)

    def import_file(self, path: str | os.PathLike[str]) -> list[Version]:
        """Add every version of an export file or a bundled history (by name);
        versions already stored are not duplicated."""
        return [self.add(e.scenario, as_of=e.as_of, note=e.note, sources=e.sources,
                         history=e.history) for e in read_versions(path)]

    def counts(self) -> dict[str, int]:
        """Rows per table (for checks and ``history log``)."""
        with self._write() as s:
            return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                    for t in (ScenarioRow, VersionRow, ForecastRow, SimulationRow)}


# ---- helpers -----------------------------------------------------------------------------------


def _with_sources(result: ScenarioDiff, a: Version, b: Version) -> ScenarioDiff:
    """Add the versions' own source lists to the changes (they need not be the scenario's)."""
    ids_a = {s.id: s for s in a.sources}
    ids_b = {s.id: s for s in b.sources}
    listed = {c.key for c in result.changes if c.kind == "source"}
    extra = [Change("source", k, "added") for k in ids_b if k not in ids_a and k not in listed]
    extra += [Change("source", k, "removed") for k in ids_a if k not in ids_b and k not in listed]
    return replace(result, changes=result.changes + tuple(extra)) if extra else result


def unsaved(scenario: Scenario) -> Version:
    """A version record for a scenario that is not in the store (id 0)."""
    return Version(id=0, history=scenario.name, scenario_hash=scenario.hash,
                   as_of=scenario.as_of or dt.date.today(), note="not stored",
                   sources=scenario.sources, added_at=dt.datetime.now(dt.UTC))


def _version(row: VersionRow) -> Version:
    added = row.added_at if row.added_at.tzinfo else row.added_at.replace(tzinfo=dt.UTC)
    return Version(id=row.id, history=row.history, scenario_hash=row.scenario_hash,
                   as_of=row.as_of, note=row.note,
                   sources=tuple(Source(**s) for s in json.loads(row.sources or "[]")),
                   added_at=added)


def _date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DetenteError(f"{value!r}: not a date (expected YYYY-MM-DD)") from None


def _models(models: Iterable[str | Model]) -> list[Model]:
    return [m if isinstance(m, Model) else get_model(m) for m in models]


def _params(model: Model) -> str:
    return json.dumps(model.get_params(), sort_keys=True, default=str)


def _seed(seed: int | None) -> int:
    return -1 if seed is None else int(seed)


def _point(forecast: Any) -> dict[str, float | None]:
    return {issue: _num(v) for issue, v in forecast.point.items()}


def _intervals(sim: tuple[int, Mapping[str, Mapping[str, float]]] | None,
               ) -> dict[str, tuple[float, float] | None]:
    if sim is None:
        return {}
    out: dict[str, tuple[float, float] | None] = {}
    for issue, stats in sim[1].items():
        lo, hi = stats.get(_INTERVAL[0]), stats.get(_INTERVAL[1])
        if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
            out[issue] = None
        else:
            out[issue] = (lo, hi)
    return out


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
