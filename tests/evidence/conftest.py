"""Fixtures of the war data tests: the folder and each data set read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.evidence import readers


@pytest.fixture(scope="session")
def war_dir(data_dir: Path) -> Path:
    return data_dir / "war"


@pytest.fixture(scope="session")
def ucdp(war_dir: Path) -> readers.Conflicts:
    return readers.read_ucdp(war_dir / "ucdp_acd_conflict_years.csv")


@pytest.fixture(scope="session")
def disputes(war_dir: Path) -> readers.Disputes:
    return readers.read_disputes(war_dir / "gml_mid_disputes.csv",
                                 war_dir / "gml_mid_participants.csv")


@pytest.fixture(scope="session")
def nmc(war_dir: Path):
    return readers.read_capabilities(war_dir / "cow_nmc_state_years.csv")
