"""Words every stage uses to name things to a user: a repeated input, a count, a source."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

SHOWN_INPUT = 60  # characters of a bad input repeated in its error message


def quoted(value: str, limit: int = SHOWN_INPUT) -> str:
    """A user's input as an error message repeats it: quoted, on one line, cut when long."""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"'{text}'"


def plural(n: int, word: str, words: str | None = None) -> str:
    """ "1 quote", "2 quotes", "1,200 estimates"."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def source_label(source_id: int, outlet: str | None, origin: str | None) -> str:
    """How a source is named wherever it is listed: its outlet; where no outlet is known, the file's
    name or the web address's host it was ingested from; else "source 7"."""
    if outlet:
        return outlet
    origin = (origin or "").strip()
    if origin.lower().startswith(("http://", "https://")):
        try:
            host = urlsplit(origin).hostname
        except ValueError:  # an unclosed [IPv6]
            host = None
        if host:
            return host
    elif PurePath(origin).name:
        return PurePath(origin).name
    return f"source {source_id}"
