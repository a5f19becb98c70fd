"""Versions, references, the forecast cache, the timeline and portable files, on each database."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

import detente
from detente.errors import DetenteError
from detente.store import History
from detente.store.schema import ForecastRow


def test_add_is_content_addressed_and_idempotent(db_url, ukraine):
    with History(db_url) as h:
        v1 = h.add(ukraine, note="first")
        again = h.add(ukraine, note="ignored: already stored")
        assert again.id == v1.id and again.note == "first"
        later = h.add(ukraine, as_of="2025-11-06", note="same content, next day")
        assert later.id != v1.id and later.scenario_hash == v1.scenario_hash
        counts = h.counts()
        assert counts["versions"] == 2
        assert counts["scenarios"] == 1  # stored once, by hash
        assert h.scenario(v1).to_dict() == ukraine.to_dict()
        assert h.scenario(v1).hash == ukraine.hash
        assert [s.id for s in v1.sources] == [s.id for s in ukraine.sources]


def test_references(db_url, talks):
    with History(db_url) as h:
        added = [h.add(e.scenario, as_of=e.as_of, note=e.note, history=e.history) for e in talks]
        assert h.get(str(added[1].id)) == added[1]
        assert h.get("ukraine-2025-11@1") == added[0]
        assert h.get("@-1") == added[2]
        assert h.get("@2025-10-31") == added[1]
        assert h.get(added[2].scenario_hash[:6]) == added[2]
        for bad in ("@9", "@2020-01-01", "999", "zzz", "nosuch@1"):
            with pytest.raises(DetenteError):
                h.get(bad)


def test_as_of_is_required_and_checked(db_url, ukraine):
    undated = ukraine.replace(as_of=None)
    with History(db_url) as h:
        with pytest.raises(DetenteError, match="as_of"):
            h.add(undated)
        with pytest.raises(DetenteError, match="YYYY-MM-DD"):
            h.add(ukraine, as_of="5 Nov")
        assert h.add(undated, as_of=dt.date(2025, 1, 2)).as_of == dt.date(2025, 1, 2)


def test_timeline_uses_the_cache(db_url, talks):
    with History(db_url) as h:
        for e in talks:
            h.add(e.scenario, as_of=e.as_of, note=e.note, history=e.history)
        first = h.timeline(models=["compromise", "median"])
        assert h.counts()["forecasts"] == 3 * 2
        # the cached numbers are the models' own
        for v, e in enumerate(talks):
            direct = detente.get_model("compromise").forecast(e.scenario, seed=0).point
            assert first.point[v][0] == pytest.approx(direct, abs=0)
        # a second timeline computes nothing: poison the cache and see the poison come back
        with h._write() as s:
            s.execute(text("UPDATE forecasts SET outcome = :o WHERE model = 'median'"),
                      {"o": json.dumps({"donetsk": -1.0})})
        second = h.timeline(models=["compromise", "median"])
        assert second.point[0][1] == {"donetsk": -1.0}
        assert h.counts()["forecasts"] == 6
        # other parameters are another cache entry
        h.timeline(models=[detente.get_model("median"), detente.get_model("compromise")], seed=3)
        assert h.counts()["forecasts"] == 12
        assert "drones" in first.issues and first.point[0][0].get("drones") is None


def test_cache_key_includes_detente_version(db_url, ukraine, monkeypatch):
    with History(db_url) as h:
        v = h.add(ukraine)
        h.forecasts([v], ["compromise"])
        original = detente.__version__
        monkeypatch.setattr(detente.version, "__version__", "999.0")
        h.forecasts([v], ["compromise"])
        with h._write() as s:
            versions = sorted(s.scalars(select(ForecastRow.detente_version)))
        assert versions == sorted([original, "999.0"])


def test_simulation_intervals(db_url, ukraine):
    with History(db_url) as h:
        h.add(ukraine)
        plain = h.timeline(models=["compromise"])
        assert plain.interval[0][0] == {} and plain.draws[0][0] is None
        sim = h.timeline(models=["compromise"], draws=300)
        lo, hi = sim.interval[0][0]["donetsk"]
        assert lo <= sim.point[0][0]["donetsk"] + 10 and lo < hi
        assert h.counts()["simulations"] == 1
        cached = h.timeline(models=["compromise"])  # the stored simulation is found
        assert cached.interval[0][0]["donetsk"] == (lo, hi) and cached.draws[0][0] == 300


def test_export_import_round_trip(db_url, tmp_path, talks):
    path = tmp_path / "talks.json"
    with History(db_url) as h:
        added = h.import_file("ukraine-2025-11")
        assert [v.as_of for v in added] == [e.as_of for e in talks]
        assert h.import_file("ukraine-2025-11") == added  # nothing duplicated
        h.export(path)
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    with History(other) as h2:
        back = h2.import_file(path)
        assert [(v.history, v.scenario_hash, v.as_of, v.note) for v in back] == \
            [(v.history, v.scenario_hash, v.as_of, v.note) for v in added]
        assert [v.sources for v in back] == [v.sources for v in added]
    doc = json.loads(path.read_text())
    doc["versions"][0]["scenario"]["actors"][0]["capability"] = 1.0
    path.write_text(json.dumps(doc))
    with History(other) as h2, pytest.raises(DetenteError, match="edited or damaged"):
        h2.import_file(path)


def test_bad_portable_files(db_url, tmp_path):
    with History(db_url) as h:
        for content, match in (("[1, 2]", "not a detente history file"),
                               ('{"format": "detente-history", "versions": []}', "non-empty"),
                               (": : :", "cannot read")):
            path = tmp_path / "bad.json"
            path.write_text(content)
            with pytest.raises(DetenteError, match=match):
                h.import_file(path)
        with pytest.raises(DetenteError, match="no bundled history"):
            h.import_file("no-such-history")


def test_default_location_is_the_user_data_folder(tmp_path, monkeypatch):
    from detente.store import db as dbmod

    monkeypatch.delenv("DETENTE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    url = dbmod.resolve_url(None)
    assert dbmod.default_path() == tmp_path / "data" / "detente" / "history.sqlite"
    assert url == f"sqlite:///{dbmod.default_path()}"
    assert dbmod.default_path().parent.is_dir()  # made on first use
    monkeypatch.setenv("DETENTE_DB", str(tmp_path / "env.sqlite"))
    assert dbmod.resolve_url(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert dbmod.resolve_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert dbmod.resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert dbmod.resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_two_histories_need_a_name(db_url, ukraine):
    with History(db_url) as h:
        h.add(ukraine)
        h.add(ukraine, history="a-copy", note="the same scenario in another history")
        assert h.histories() == ["a-copy", "ukraine-2025-11"]
        with pytest.raises(DetenteError, match="2 histories"):
            h.timeline()
        assert h.timeline("a-copy", models=["median"]).versions[0].history == "a-copy"
        assert h.counts()["scenarios"] == 1


def test_diff_as_a_frame(db_url, talks):
    with History(db_url) as h:
        for e in talks:
            h.add(e.scenario, as_of=e.as_of, note=e.note, history=e.history)
        frame = h.diff("@1", "@2", models=["compromise"]).to_frame()
        sums = frame.groupby(level=["model", "issue"])["contribution"].sum()
        moves = frame.groupby(level=["model", "issue"])["move"].first()
        assert (sums - moves).abs().max() < 1e-9
        assert frame.loc[("compromise", "tomahawks", "stance USA/tomahawks"), "contribution"] < 0


def test_remove_a_version(db_url, ukraine):
    with History(db_url) as h:
        first = h.add(ukraine)
        second = h.add(ukraine, as_of="2025-11-06")
        h.timeline(models=["compromise"])
        assert h.remove(first.id) == first
        assert h.counts() == {"scenarios": 1, "versions": 1, "forecasts": 1, "simulations": 0}
        h.remove(f"@{second.as_of}")
        assert h.counts() == {"scenarios": 0, "versions": 0, "forecasts": 0, "simulations": 0}
        with pytest.raises(DetenteError, match="no such version"):
            h.remove(first.id)
