"""Finding stored people and bodies by a name as someone typed or wrote it.

A name is matched by its own letters, folded only for case, accents and apostrophes; a spelling
variant ("Zelensky" for "Zelenskyy") is found only when the letters typed are not a stored name or
the start of one, and only among names that begin with the same three letters: "AAAAA" finds nobody.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    from briefings.store.db import Connection

VARIANT_PREFIX = 3  # a spelling variant shares at least its first letters with the stored name
VARIANT_RATIO = 0.85
VARIANT_SCAN = 500  # stored names read, at most, when looking for a variant of one word


# Unicode's stream-safe text format (UAX #15): no run of combining marks longer than this. The
# standard library's normalize() sorts a run of marks in time that grows with the square of its length
# (a letter and 80,000 marks took minutes), and no script writes more than a few in a row.
MAX_MARK_RUN = 30
_MARK_RUN = regex.compile(r"(\p{M}{30})\p{M}+")  # MAX_MARK_RUN


def normalize(form: str, text: str) -> str:
    """`unicodedata.normalize`, in time linear in the text: runs of combining marks are cut to
    `MAX_MARK_RUN` first (the folds that use it drop the marks anyway)."""
    return unicodedata.normalize(form, _MARK_RUN.sub(r"\1", text))


def fold_key(text: str) -> str:
    """A folded form for matching names: case, accents and apostrophes forgiven, the letters of every
    script kept as they are ("Zelenskyy" and "Zelensky" differ; "Зеленский" and "김정은" stay letters)."""
    text = normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[’'ʹʼ`]s\b", "s", text)
    text = re.sub(r"[\W_]+", " ", text)  # letters and digits of any script stay; the rest separates words
    return " ".join(unicodedata.normalize("NFC", text).split())


def similar_words(typed: str, stored: str) -> bool:
    """Two folded words that are spellings of one name: same start, nearly the same letters."""
    if typed == stored:
        return True
    if len(typed) < VARIANT_PREFIX + 1 or typed[:VARIANT_PREFIX] != stored[:VARIANT_PREFIX]:
        return False
    if abs(len(typed) - len(stored)) > 2:
        return False
    return difflib.SequenceMatcher(None, typed, stored).ratio() >= VARIANT_RATIO


async def variant_aliases(conn: Connection, word: str) -> list[tuple[str, int]]:
    """Stored one-word aliases that are spelling variants of `word` (folded), with their entity."""
    if len(word) <= VARIANT_PREFIX or " " in word:
        return []
    head = word[:VARIANT_PREFIX]
    rows = await conn.fetch(
        """SELECT alias_key, entity_id FROM entity_aliases WHERE alias_key >= ? AND alias_key < ?
            ORDER BY alias_key, entity_id LIMIT ?""",
        (head, head + "\uffff", VARIANT_SCAN),
    )
    return [(r[0], r[1]) for r in rows if " " not in r[0] and similar_words(word, r[0])]


def complete_names(names: list[tuple[str, str]], typed: str, limit: int = 25) -> list[str]:
    """Names (with their folded forms, most frequent first) for what was typed so far: those with a
    word starting with it first, then those holding it anywhere."""
    key = fold_key(typed)
    starts = [n for n, k in names if k.startswith(key) or f" {key}" in f" {k}"]
    first = set(starts)
    inside = [n for n, k in names if key in k and n not in first]
    return (starts + inside)[:limit]
