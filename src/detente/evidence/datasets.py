"""Where the war data sets are, and their file names.

The folder is, in order: the one passed (``--data``), ``$DETENTE_WAR_DATA``, or
``shared/data/war`` beside the repository or the working directory (the layout the
project's README describes).
"""

from __future__ import annotations

import os
from pathlib import Path

from detente.errors import DetenteError, OptionError

UCDP = "ucdp_acd_conflict_years.csv"
COW_INTERSTATE = "cow_interstate_war_dyad_years.csv"
COW_INTRASTATE = "cow_intrastate_war_years.csv"
MID_DISPUTES = "gml_mid_disputes.csv"
MID_PARTICIPANTS = "gml_mid_participants.csv"
NMC = "cow_nmc_state_years.csv"
STATES = "cow_states.csv"

ENV = "DETENTE_WAR_DATA"


def war_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the war data sets (see the module's docstring)."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_dir():
            raise DetenteError(f"{path}: no such folder; expected the war data folder "
                               "(shared/data/war)")
        return path
    candidates = []
    if os.environ.get(ENV):
        candidates.append(Path(os.environ[ENV]))
    here = Path(__file__).resolve()
    candidates += [p / "shared" / "data" / "war" for p in here.parents]
    candidates += [p / "shared" / "data" / "war" for p in (Path.cwd(), *Path.cwd().parents)]
    for path in candidates:
        if (path / NMC).is_file():
            return path
    raise OptionError("the war data folder was not found: pass {data DIR:data=DIR} or set "
                      f"{ENV} (expected shared/data/war beside the repository)")


def data_file(name: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """One data set's file in the war data folder."""
    return war_dir(folder) / name
