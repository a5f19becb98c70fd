"""The one palette: a model has the same colour in every figure, page and document.

Colours are keyed by model name (never by the order a list happens to hold), so
compromise is blue in the brief, the what-if page, the simulation page and the timeline
alike. A model not listed here (a parameter variant ``nash@x``, a new model) takes its
base name's colour, else a fixed colour from :data:`EXTRA` chosen by a stable hash of the
name. Colour-blind-safe hues (Okabe–Ito, then Tol's muted).
"""

from __future__ import annotations

import zlib

MODEL_COLOURS: dict[str, str] = {
    "compromise": "#0072B2",  # blue
    "median": "#E69F00",  # orange
    "nash": "#009E73",  # green
    "eum": "#CC79A7",  # purple-pink
    "exchange": "#D55E00",  # vermilion
    "smp": "#56B4E9",  # sky blue
    "procedural": "#8C6D31",  # brown
    "ensemble": "#000000",  # black
    "synthesis": "#222222",
}
EXTRA = ("#332288", "#117733", "#44AA99", "#88CCEE", "#DDCC77", "#CC6677", "#AA4499",
         "#882255")

ACTOR_COLOUR = "#555555"
STATUS_QUO_COLOUR = "#000000"
LOW_END = "#4477AA"
HIGH_END = "#CC6677"


def model_colour(model: str) -> str:
    """The colour of ``model`` everywhere."""
    if model in MODEL_COLOURS:
        return MODEL_COLOURS[model]
    base = model.split("@")[0]
    if base in MODEL_COLOURS:
        return MODEL_COLOURS[base]
    return EXTRA[zlib.crc32(model.encode()) % len(EXTRA)]


def model_colours(models: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{model: colour}`` for the web pages' scripts."""
    return {m: model_colour(m) for m in models}


__all__ = ["ACTOR_COLOUR", "EXTRA", "HIGH_END", "LOW_END", "MODEL_COLOURS",
           "STATUS_QUO_COLOUR", "model_colour", "model_colours"]
