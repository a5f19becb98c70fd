"""The one-page brief: a self-contained HTML page that answers three questions.

1. Where is the settlement likely to land? (every model, with its interval and where the
   interval comes from: simulated from the stated uncertainty, or the model's errors on
   EU decisions when the scenario states none)
2. What would move it? (the inputs whose stated range moves each forecast most)
3. Which packages could every party accept? (deals each prefers to no deal)

and, when the scenario states proposals, which of the plans on the table every
party holding a veto could accept.

:func:`detente.api.brief` computes a :class:`BriefData`; :func:`render_html`
only formats it. The page embeds plotly.js from the installed ``plotly``
package, so it opens without a network. Jinja2 autoescapes every user text;
figure data goes into ``<script>`` through :func:`script_json`, which escapes
``<``, ``>`` and ``&``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import plotly.io as pio

from detente.atomic import write_atomic
from detente.errors import DetenteError
from detente.present import figures
from detente.present.intervals import forecast_grid, interval_basis
from detente.present.terminal import visible
from detente.present.violations import violation_items
from detente.results import NEUTRAL_NOTE, ForecastSet
from detente.scenario import Scenario

TEMPLATES = Path(__file__).with_name("templates")
ASSUMPTION = "assumption"


@dataclass(frozen=True, eq=False)
class BriefData:
    """What the brief shows, computed by :func:`detente.api.brief`."""

    scenario: Scenario
    result: ForecastSet
    simulation: Any  # detente.uncertainty.simulate.Simulation | None
    sensitivity: Any  # detente.uncertainty.sensitivity.Sensitivity | None (no ranges stated)
    deals: dict[str, Any]
    seed: int = 0
    proposals: Any = None  # detente.deals.proposal_report.ProposalsReport | None


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the brief (and the web app): autoescape always on."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["visible"] = lambda v: visible(str(v))
    env.filters["num"] = lambda v, nd=1: "—" if v is None else f"{v:.{nd}f}"
    return env


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&`` as ``\\u`` escapes."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_json(fig: Any) -> str:
    """A Plotly figure as script-safe JSON (``{"data": ..., "layout": ...}``)."""
    return script_json(pio.to_json(fig, validate=False))


def plotly_js() -> str:
    """plotly.js as shipped inside the installed ``plotly`` package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def stance_sources(scenario: Scenario, actor: str, issue: str) -> str:
    """The source ids a stance rests on, or "assumption" when it names none."""
    st = scenario.stance(actor, issue)
    return ", ".join(st.sources) if st is not None and st.sources else ASSUMPTION


def _movers(data: BriefData, top: int = 3) -> list[dict[str, Any]]:
    """Per issue: the inputs whose stated range moves the forecast most (tornado swing)."""
    sc, sens = data.scenario, data.sensitivity
    if sens is None:
        return []
    out = []
    for issue in sc.issues:
        rows = sens.tornado[sens.tornado["issue"] == issue.id]
        rows = rows.sort_values("swing", ascending=False).head(top)
        items = []
        for row in rows.to_dict(orient="records"):
            actor = row.get("group")
            src = stance_sources(sc, actor, row["input"].split(", ")[-1].rstrip("]")) \
                if row.get("kind") in ("position", "salience") else ASSUMPTION
            items.append({**row, "actor_name": sc.actor(actor).name if actor in sc.actor_ids
                          else actor, "source": src})
        out.append({"issue": issue, "point": sens.point[issue.id], "items": items})
    return out


def render_html(data: BriefData, *, generated: dt.datetime | None = None) -> str:
    """The brief as one self-contained HTML page."""
    sc = data.scenario
    figs = {"scales": figure_json(figures.issue_scales(sc, data.result, data.simulation))}
    if data.simulation is not None:
        figs["histograms"] = figure_json(figures.histograms(data.simulation, sc))
    for issue in sc.issues if data.sensitivity is not None else ():
        figs[f"tornado-{issue.id}"] = figure_json(
            figures.tornado(data.sensitivity, issue.id, top=6, scenario=sc))
    deals = data.deals
    where = forecast_grid(data.result)
    plans = data.proposals.to_dict() if data.proposals is not None else None
    if data.proposals is not None:
        figs["plans"] = figure_json(figures.acceptance_grid(data.proposals))
    sources = {s.id: s for s in sc.sources}
    return environment().get_template("brief.html.j2").render(
        sc=sc, note=NEUTRAL_NOTE, where=where, movers=_movers(data), deals=deals,
        basis=interval_basis(data.result, seed=data.seed),
        level=f"{data.result.interval or 0.8:.0%}",
        flagged=any(m["flag"] for w in where for m in w["models"]),
        plans=plans, violations=violation_items(data.result.violations()),
        sources=sources, simulation=data.simulation, sens=data.sensitivity,
        result=data.result, seed=data.seed, figures=figs, plotly_js=plotly_js(),
        stance_sources=stance_sources, assumption=ASSUMPTION,
        generated=(generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def chromium() -> str | None:
    """The headless Chromium on this machine, if any (for PDF output)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_text: str, target: Path, *, timeout: float = 120.0) -> None:
    """Print the page to PDF with headless Chromium (an error naming what is missing)."""
    browser = chromium()
    if browser is None:
        raise DetenteError("PDF output needs Chromium (apt-get install chromium); "
                           "write .html instead")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html_text, encoding="utf-8")
        out = Path(tmp) / "brief.pdf"
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", "--virtual-time-budget=5000", page.as_uri()]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
        except (subprocess.SubprocessError, OSError) as exc:
            raise DetenteError(f"{target}: Chromium could not print the PDF ({exc})") from None
        if not out.is_file():
            raise DetenteError(f"{target}: Chromium wrote no PDF")
        write_atomic(target, lambda tmp: _copy(out, tmp))
