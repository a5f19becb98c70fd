"""Reading a news article: the checks that turn bad input into clear messages.

An article is plain text (UTF-8 or Windows-1252). Refused, each with a
message naming the file: a missing or unreadable file, binary content, an
empty or blank text, a text longer than ``max_chars`` (default 1,000,000
characters; a long news article is under 50,000), and a text that does not
read as English (the rules and the gazetteer are English): of its first
5,000 words, fewer than 5% are common English function words (texts of
fewer than 20 words are not judged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass

from detente.errors import DetenteError, OptionError
from detente.inputs.draft.dates import find_dates
from detente.inputs.files import decode_text, read_bytes

MAX_CHARS = 1_000_000
_ENGLISH_TEXT = (
    "the a an of to in and or for on with by at from as is are was were be been has have had "
    "that this it its not but which who will would could should than their they he she his her "
    "we our after before over into about")
_ENGLISH = frozenset(_ENGLISH_TEXT.split())


@dataclass(frozen=True)
class Article:
    """The text of an article and what is known of it."""

    text: str
    file: str
    sha256: str
    title: str
    date: dt.date | None


def read_article(path: str | os.PathLike[str], *, max_chars: int = MAX_CHARS) -> Article:
    """Read and check an article file (see the module docstring)."""
    file = str(path)
    raw = read_bytes(path)
    if len(raw) > 4 * max_chars:
        raise _too_long(file, len(raw), max_chars, "bytes")
    return article_from_text(decode_text(raw, file), file=file, max_chars=max_chars)


def article_from_text(text: str, *, file: str = "<text>", max_chars: int = MAX_CHARS) -> Article:
    """Check an article given as text (see the module docstring)."""
    if not text.strip():
        raise DetenteError(f"{file}: is empty; expected the text of a news article")
    if len(text) > max_chars:
        raise _too_long(file, len(text), max_chars, "characters")
    words = re.findall(r"[^\W\d_]+", text[:200_000])[:5000]
    if len(words) >= 20:
        share = sum(w.lower() in _ENGLISH for w in words) / len(words)
        if share < 0.05:
            raise DetenteError(
                f"{file}: does not read as English ({100 * share:.1f}% of its words are common "
                "English words, expected at least 5%); the draft's rules and gazetteer are "
                "English: translate the article first")
    return Article(text, file, hashlib.sha256(text.encode("utf-8")).hexdigest(), _title(text),
                   _date(text))


def _too_long(file: str, n: int, limit: int, unit: str) -> DetenteError:
    return OptionError(f"{OptionError.quote(file)}: {n:,} {unit}, more than the {limit:,} "
                       "characters a draft reads (a news article is far shorter); split it, "
                       "or raise the limit with {max_chars}")


def _title(text: str) -> str:
    """The first of the opening lines that reads like a headline (4+ words, not a date)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:8]
    for line in lines:
        if len(line.split()) >= 4 and not find_dates(line) and not line.endswith("."):
            return line[:200]
    return lines[0][:200] if lines else ""


def _date(text: str) -> dt.date | None:
    """The article's date: the first date in its opening lines, else none."""
    head = "\n".join(text.splitlines()[:10])
    found = find_dates(head)
    return found[0].date if found else None
