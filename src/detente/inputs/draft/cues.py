"""Cue words: what a sentence says an actor does about an issue.

Each cue class is a list of word patterns (matched case-insensitively as whole
words): demands, rejects, offers, holds back, considers, supports, no stance
("not directly addressed", "not leading"), accepts. A new stance proposal
whose cues are "no stance", alone or with "considers" only ("observing but not
leading this deal"), is proposed with ``accept: false``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUES: dict[str, tuple[str, ...]] = {
    "demands": (r"demand(?:s|ed|ing)?", r"press(?:es|ed|ing)?", r"insist(?:s|ed|ing)?",
                r"urg(?:e|es|ed|ing)", r"calls? for", r"called for", r"push(?:es|ed|ing)?",
                r"request(?:s|ed|ing)?", r"ask(?:s|ed|ing)?", r"must", r"seek(?:s|ing)?",
                r"sought", r"requir(?:e|es|ed)"),
    "rejects": (r"reject(?:s|ed|ing)?", r"refus(?:e|es|ed|ing)", r"dismiss(?:es|ed|ing)?",
                r"oppos(?:e|es|ed|ing)", r"rul(?:e|es|ed) out", r"non-negotiable",
                r"will not", r"won't", r"veto(?:es|ed)?", r"condemn(?:s|ed)?",
                r"brush(?:es|ed)? aside", r"cannot accept"),
    "offers": (r"offer(?:s|ed|ing)?", r"propos(?:e|es|ed|ing|al)", r"float(?:s|ed)?",
               r"suggest(?:s|ed|ing)?", r"pitch(?:es|ed)?", r"in exchange", r"unveil(?:s|ed)?",
               r"put forward"),
    "holds back": (r"hesitat(?:e|es|ed|ing|ion)", r"hesitant", r"hold(?:s|ing)? back",
                   r"held back", r"withh(?:o|e)ld(?:s|ing)?", r"delay(?:s|ed)?",
                   r"caution(?:s|ed)?", r"leverage", r"bargaining (?:chip|tool)"),
    "considers": (r"consider(?:s|ed|ing)?", r"weigh(?:s|ed|ing)?", r"review(?:s|ed|ing)?",
                  r"study(?:ing)?", r"studie[sd]", r"interesting", r"explor(?:e|es|ed|ing)",
                  r"assess(?:es|ed|ing)?", r"observ(?:e|es|ed|ing)"),
    "supports": (r"support(?:s|ed|ing|ive)?", r"backs", r"backed", r"backing",
                 r"endors(?:e|es|ed|ing)", r"welcom(?:e|es|ed)", r"favou?r(?:s|ed)?",
                 r"advocat(?:e|es|ed|ing)", r"prefer(?:s|red)?", r"recogni[sz](?:e|es|ed)"),
    "no stance": (r"not (?:directly )?addressed", r"no (?:stated )?position", r"silent on",
                  r"(?:has|have) not commented", r"declined to comment", r"not leading"),
    "accepts": (r"agree(?:s|d)?", r"accept(?:s|ed)?", r"approv(?:e|es|ed)",
                r"sign(?:s|ed)"),
}
CUE_CLASSES: tuple[str, ...] = tuple(CUES)
_PATTERN = re.compile(
    "|".join(f"(?P<c{k}>\\b(?:{'|'.join(words)})\\b)" for k, words in enumerate(CUES.values())),
    re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """One cue word in a text: its class, the word as written, and its span."""

    kind: str
    word: str
    start: int
    end: int


def find_cues(text: str, offset: int = 0) -> list[Cue]:
    """Every cue word in ``text`` (offsets shifted by ``offset``)."""
    out = []
    for m in _PATTERN.finditer(text):
        k = int(next(name for name, v in m.groupdict().items() if v is not None)[1:])
        out.append(Cue(CUE_CLASSES[k], m.group(0), offset + m.start(), offset + m.end()))
    return out
