"""The history store's tables (SQLAlchemy 2 declarative models).

- ``scenarios``: every scenario stored whole, keyed by its content hash
  (:attr:`detente.Scenario.hash`), so the same content is kept once.
- ``versions``: a dated entry in a history (the scenario's name): which
  scenario, its ``as_of`` date, a note and the sources it rests on. One
  history holds a given scenario on a given date once.
- ``forecasts`` and ``simulations``: results cached by scenario hash, model,
  parameters, seed (and draws) and the detente version that computed them, so
  asking again costs a look-up.
- ``users``, ``uploads`` and ``jobs``: what ``detente serve --db`` keeps so that any of
  its worker processes answers any request and a restart loses nothing: the accounts
  (a SHA-256 of each token, never the token), each workspace's uploaded scenarios, and
  the heavy jobs with their state, inputs and results (see :mod:`detente.store.server`).

The schema is created and upgraded only by the Alembic migrations in
``detente/store/migrations``; these classes must match the newest of them
(a test compares the two).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ScenarioRow(Base):
    __tablename__ = "scenarios"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    body: Mapped[str] = mapped_column(Text)  # canonical JSON (Scenario.to_dict)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class VersionRow(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("history", "scenario_hash", "as_of", name="uq_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    history: Mapped[str] = mapped_column(String(200), index=True)
    scenario_hash: Mapped[str] = mapped_column(ForeignKey("scenarios.hash"), index=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    sources: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of source records
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ForecastRow(Base):
    __tablename__ = "forecasts"
    __table_args__ = (
        UniqueConstraint("scenario_hash", "model", "params", "seed", "detente_version",
                         name="uq_forecast"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_hash: Mapped[str] = mapped_column(ForeignKey("scenarios.hash"), index=True)
    model: Mapped[str] = mapped_column(String(100))
    params: Mapped[str] = mapped_column(Text)  # canonical JSON of the model's parameters
    seed: Mapped[int] = mapped_column(Integer)  # -1 for no seed
    detente_version: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(Text)  # JSON: issue -> point forecast (null = none)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SimulationRow(Base):
    __tablename__ = "simulations"
    __table_args__ = (
        UniqueConstraint("scenario_hash", "model", "params", "seed", "draws", "detente_version",
                         name="uq_simulation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_hash: Mapped[str] = mapped_column(ForeignKey("scenarios.hash"), index=True)
    model: Mapped[str] = mapped_column(String(100))
    params: Mapped[str] = mapped_column(Text)
    seed: Mapped[int] = mapped_column(Integer)
    draws: Mapped[int] = mapped_column(Integer)
    detente_version: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)  # JSON: issue -> {mean, sd, q05, q50, q95}
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UploadRow(Base):
    __tablename__ = "uploads"

    ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # canonical JSON (Scenario.to_dict)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    owner: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    params: Mapped[str] = mapped_column(Text)  # JSON
    scenario: Mapped[str] = mapped_column(Text)  # canonical JSON (Scenario.to_dict)
    created: Mapped[float] = mapped_column(Float)  # epoch seconds
    started: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished: Mapped[float | None] = mapped_column(Float, nullable=True)
    heartbeat: Mapped[float] = mapped_column(Float)  # the running server's last sign of life
    seen: Mapped[float] = mapped_column(Float)  # someone last waited or asked
    grace: Mapped[float] = mapped_column(Float)
    instance: Mapped[str] = mapped_column(String(64))
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_error: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # pickle
    shown: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON or HTML text
    shown_html: Mapped[bool] = mapped_column(Boolean, default=False)


class TeamRow(Base):
    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class MemberRow(Base):
    __tablename__ = "team_members"

    team: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ShareRow(Base):
    __tablename__ = "shares"

    ref: Mapped[str] = mapped_column(String(32), primary_key=True)  # an upload's ref
    team: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    shared_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
