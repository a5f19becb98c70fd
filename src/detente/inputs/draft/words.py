"""Words for matching: a crude English stemmer, stop words and content words."""

from __future__ import annotations

import re

_STOP_TEXT = """
a about above after again against all also an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just me more most my
no nor not now of off on once only or other our out over own same she should so some such than
that the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yet per via
one two three four five six seven eight nine ten first second new may might must
issue issues status quo scale point points side sides party parties position positions stance
stances response view views plan talks deal deals
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def stem(word: str) -> str:
    """Lower case, possessive and a plural or verb ending cut: 'Tomahawks' -> 'tomahawk'."""
    w = word.casefold().replace("’", "'")
    w = re.sub(r"'s?$", "", w)
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"),
                         ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + repl
    return w


def content_stems(text: str, exclude: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Stems of the words of ``text`` that carry content: 3+ letters, not stop words, not in
    ``exclude`` (lower-case words, e.g. actors' names)."""
    out = set()
    for word in re.findall(r"[^\W\d_][\w'’-]*", text):
        for part in word.split("-"):
            low = part.casefold().replace("’", "'")
            low = re.sub(r"'s?$", "", low)
            if len(low) < 3 or low in STOPWORDS or low in exclude:
                continue
            out.add(stem(low))
    return out


def slug(text: str) -> str:
    """An id from a name: 'Donetsk Territory' -> 'donetsk-territory'."""
    words = re.findall(r"[a-z0-9]+", text.casefold())
    return "-".join(words)[:40].strip("-") or "item"
