"""The one-page brief: a self-contained HTML page that answers three questions.

1. Where is the settlement likely to land? (every model, with its interval and where the
   interval comes from: simulated from the stated uncertainty, or the model's errors on
   EU decisions when the scenario states none)
2. What would move it? (the inputs whose stated range moves each forecast most)
3. Which packages could every party accept? (deals each prefers to no deal)

and, when the scenario states proposals, which of the plans on the table every
party holding a veto could accept.

:func:`detente.api.brief` computes a :class:`~detente.results.BriefData`;
:func:`render_html` only formats it. The page embeds plotly.js from the installed
``plotly`` package, so it opens without a network. Jinja2 autoescapes every user text;
figure data goes into ``<script>`` through :func:`script_json`, which escapes
``<``, ``>`` and ``&``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
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
from detente.results import NEUTRAL_NOTE, BriefData
from detente.scenario import Scenario

TEMPLATES = Path(__file__).with_name("templates")
ASSUMPTION = "assumption"


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


PRINT_HEIGHT = 860
"""The tallest figure of the brief, in CSS pixels: one printed page (A4 or Letter) holds
it whole, so no chart is split between pages."""


def _printable(fig: Any) -> Any:
    """``fig`` no taller than :data:`PRINT_HEIGHT`."""
    height = fig.layout.height
    if height is not None and height > PRINT_HEIGHT:
        fig.update_layout(height=PRINT_HEIGHT)
    return fig


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


DRAW_JS = """(function () {
  function draw() {
    document.querySelectorAll("script[data-figure]").forEach(function (el) {
      var f = JSON.parse(el.textContent);
      Plotly.newPlot(el.dataset.figure, f.data, f.layout,
        {responsive: true, displaylogo: false, displayModeBar: el.dataset.modebar !== "off"});
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();"""
"""Draws the figures of the standalone brief (the web app's ``/static/app.js`` does the
same for the served page, so the page needs no inline script under its CSP)."""


def _model_label(model: str) -> str:
    from detente.models.registry import available_models, model_class

    base = model.split("@")[0]
    return (model_class(base).label or base) if base in available_models() else model


def render_html(data: BriefData, *, generated: dt.datetime | None = None,
                served: bool = False) -> str:
    """The brief as one HTML page: page 1 (the bottom line) and the annex.

    Standalone (default) it embeds plotly.js and a short drawing script, so it opens
    offline; ``served=True`` (the web app) it loads both from ``/static/`` and holds no
    inline script, so it draws under a ``script-src 'self'`` Content-Security-Policy."""
    from detente.present import wording
    from detente.present.bottom_line import page_one
    from detente.present.palette import model_colour
    from detente.uncertainty.synthesis import coverage_note

    sc = data.scenario
    figs = {"scales": figure_json(_printable(
        figures.issue_scales(sc, data.result, data.simulation)))}
    if data.simulation is not None:
        figs["histograms"] = figure_json(_printable(figures.histograms(data.simulation, sc)))
    for k, issue in enumerate(sc.issues if data.sensitivity is not None else ()):
        figs[f"tornado-{k}"] = figure_json(
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
        plans=plans, violations=violation_items(data.result),
        sources=sources, simulation=data.simulation, sens=data.sensitivity,
        result=data.result, seed=data.seed, figures=figs,
        plotly_js="" if served else plotly_js(), draw_js=DRAW_JS, served=served,
        p1=page_one(data), palette=model_colour, story=deals.get("story", {}),
        deals_story_sentence=wording.zopa_sentence(deals["story"], deals["deals"]),
        consent_rule_text=wording.CONSENT_RULE[deals["story"]["consent_rule"]],
        tie_text=wording.tie_note(_tolerance(deals)),
        acceptable_to=wording.acceptable_to, consent_text=wording.consent_text,
        margins_text=wording.margins_text, alternatives_text=wording.alternatives_text,
        verdict_text=wording.verdict_text, input_words=wording.input_words,
        share_agreed=wording.SHARE_AGREED,
        share_agreed_meaning=wording.SHARE_AGREED_MEANING.format(
            draws=f"{plans['draws'] if plans else 0:,}"),
        model_label=_model_label, stated_params=(), coverage_note=coverage_note(),
        stance_sources=stance_sources, assumption=ASSUMPTION,
        generated=(generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _tolerance(deals: dict[str, Any]) -> float:
    from detente.deals.story import TIE_TOLERANCE

    return next((float(p["tolerance"]) for p in deals["story"]["packages"]), TIE_TOLERANCE)


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
