"""Full-text search on either engine: a search as `queries.search_query` reads it (words, "phrases",
a trailing * for a prefix, AND, OR, NOT and brackets) written as SQLite FTS5's query or as
PostgreSQL's tsquery; the words of each fact as PostgreSQL's tsvector; and the snippet of a hit,
with the spans of the words it matched, made here for both engines alike.

Words are runs of letters and digits of any script; they match whatever their case and accents, as
FTS5's unicode61 tokenizer (remove_diacritics 2) matches them: on PostgreSQL the store folds them
itself, so the database's own locale and dictionaries play no part.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from briefings.store.matching import normalize

if TYPE_CHECKING:
    from briefings.store.db import Connection

WORD = regex.compile(r"[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*")
SNIPPET_WORDS = 16
MAX_WORD_CHARS = 500  # longer "words" are not indexed (PostgreSQL keeps a lexeme to 2 KB)
MAX_POSITION = 16383  # PostgreSQL's last word position; later words share it
MAX_POSITIONS = 256  # positions PostgreSQL keeps of one lexeme in one fact
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Term:
    """A word, or a phrase of words one after another; with `prefix`, its last word may go on."""

    words: tuple[str, ...]
    prefix: bool = False


Item = Term | str  # a term, or "AND", "OR", "NOT", "(", ")"


def words(text: str) -> list[str]:
    """The words of a text, as typed."""
    return WORD.findall(text)


def fold(word: str) -> str:
    """A word as search matches it: lower case, without accents."""
    decomposed = normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# ------------------------------------------------------------------------------ queries


def fts5(items: Sequence[Item]) -> str:
    """The search as SQLite FTS5 reads it: every word quoted, so nothing else is FTS5 syntax."""
    out = []
    for item in items:
        if isinstance(item, Term):
            out.append('"' + " ".join(item.words) + '"' + ("*" if item.prefix else ""))
        else:
            out.append(item)
    return " ".join(out)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(items: Sequence[Item]) -> str:
    """The search as a PostgreSQL tsquery over the folded words (FTS5's NOT is "and not": & !)."""
    ops = {"AND": "&", "OR": "|", "NOT": "& !"}
    out = []
    for item in items:
        if isinstance(item, Term):
            lexemes = [_lexeme(fold(w)[:MAX_WORD_CHARS]) for w in item.words]
            if item.prefix:
                lexemes[-1] += ":*"
            out.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
        else:
            out.append(ops.get(item, item))
    return " ".join(out)


def matched_terms(items: Sequence[Item]) -> list[Term]:
    """The terms a hit contains (those under NOT it does not)."""
    out: list[Term] = []
    negated_depth: list[bool] = []  # per open bracket: is the group negated?
    after_not = False
    for item in items:
        negated = after_not or any(negated_depth)
        if isinstance(item, Term):
            if not negated:
                out.append(item)
            after_not = False
        elif item == "(":
            negated_depth.append(after_not)
            after_not = False
        elif item == ")":
            if negated_depth:
                negated_depth.pop()
        else:
            after_not = item == "NOT"
    return out


# ------------------------------------------------------------------------------ matching


def _places(folded: Sequence[str], term: Term) -> Iterator[int]:
    """Where in a text's folded words a term (a word, or a phrase; with `prefix`, its last word may
    go on) starts."""
    wanted = [fold(w) for w in term.words]
    k = len(wanted)
    for i in range(len(folded) - k + 1):
        if all(folded[i + j] == wanted[j] for j in range(k - 1)) and (
            folded[i + k - 1] == wanted[-1] or (term.prefix and folded[i + k - 1].startswith(wanted[-1]))
        ):
            yield i


_BINDING = ("OR", "AND", "NOT")  # loosest first


def matches(items: Sequence[Item], text: str) -> bool:
    """Does `text` hold what a search asks for, as FTS5 reads it (NOT binds closer than AND, AND
    than OR; "a NOT b" is a and not b)? The items are `queries.search_query`'s: well formed."""
    folded = [fold(w) for w in words(text)]
    at = 0

    def primary() -> bool:
        nonlocal at
        item = items[at]
        at += 1
        if item == "(":
            found = level(0)
            at += 1  # the closing bracket
            return found
        assert isinstance(item, Term)
        return next(_places(folded, item), None) is not None

    def level(n: int) -> bool:  # n: 0 for OR, 1 for AND, 2 for NOT, 3 for a term or a bracket
        nonlocal at
        if n == len(_BINDING):
            return primary()
        found = level(n + 1)
        while at < len(items) and items[at] == _BINDING[n]:
            at += 1
            other = level(n + 1)
            found = found or other if n == 0 else found and other if n == 1 else found and not other
        return found

    return level(0)


# ------------------------------------------------------------------------------ snippets


def snippet(text: str, terms: Sequence[Term], size: int = SNIPPET_WORDS) -> tuple[str, list[tuple[int, int]]]:
    """The part of `text` (at most `size` words) holding the most of `terms`, with "…" where it was
    cut, and the spans of the words matched in it."""
    found = list(WORD.finditer(text))
    folded = [fold(m.group(0)) for m in found]
    hits: set[int] = set()
    first_of: dict[int, int] = {}  # word index → the term it starts a match of
    for n, term in enumerate(terms):
        k = len(term.words)
        for i in _places(folded, term):
            hits.update(range(i, i + k))
            first_of.setdefault(i, n)
    start, end = 0, len(found)
    if len(found) > size:
        start = _best_window(len(found), size, first_of, hits)
        end = start + size
    lo = 0 if start == 0 else found[start].start()
    hi = len(text) if end == len(found) else found[end - 1].end()
    before = ELLIPSIS if lo > 0 else ""
    out = before + text[lo:hi] + (ELLIPSIS if hi < len(text) else "")
    spans = []
    shift = len(before) - lo
    for i in sorted(hits):
        if start <= i < end:
            a, b = found[i].start() + shift, found[i].end() + shift
            if spans and spans[-1][1] == a:
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    return out, spans


def _best_window(count: int, size: int, first_of: dict[int, int], hits: set[int]) -> int:
    """Where a window of `size` of the `count` words starts that holds the most terms, then the most
    words matched, then its first match a quarter of the way in (a little context before it reads
    better than starting on it), then the earliest; in one pass, sliding the window a word at a time
    (a quote of thousands of matching words made this quadratic)."""
    matched = [0] * (count + 1)  # matched[i]: words matched before word i
    for i in range(count):
        matched[i + 1] = matched[i] + (i in hits)
    starts = sorted(first_of)
    terms: dict[int, int] = {}  # term → its matches starting inside the window
    for i in starts:
        if i >= size:
            break
        terms[first_of[i]] = terms.get(first_of[i], 0) + 1
    first = 0  # starts[first]: the first match at or after the window's start
    best: tuple[int, int, int, int] | None = None
    start = 0
    for s in range(count - size + 1):
        if s > 0:
            if (left := s - 1) in first_of:
                n = first_of[left]
                terms[n] -= 1
                if not terms[n]:
                    del terms[n]
            if (entering := s + size - 1) in first_of:
                n = first_of[entering]
                terms[n] = terms.get(n, 0) + 1
        while first < len(starts) and starts[first] < s:
            first += 1
        lowest = starts[first] if first < len(starts) and starts[first] < s + size else s
        key = (len(terms), matched[s + size] - matched[s], -abs(lowest - s - size // 4), -s)
        if best is None or key > best:
            best, start = key, s
    return start


# ------------------------------------------------------------------------------ the index


def tsvector(text: str, who: str | None) -> str:
    """The words of a fact (then its speaker's or claimant's, one position apart, so that no phrase
    runs from one into the other) as a PostgreSQL tsvector."""
    positions: dict[str, list[int]] = {}
    at = 0
    for part in (text, who or ""):
        for word in words(part):
            at += 1
            if len(word) > MAX_WORD_CHARS:
                continue
            kept = positions.setdefault(fold(word), [])
            if len(kept) < MAX_POSITIONS:
                kept.append(min(at, MAX_POSITION))
        at += 1
    return " ".join(f"{_lexeme(w)}:{','.join(map(str, dict.fromkeys(p)))}" for w, p in positions.items())


_FACT_TEXTS = """
    SELECT 'quote' AS kind, id, text, COALESCE(speaker, '') AS who FROM quotes WHERE source_id = :s
    UNION ALL
    SELECT 'estimate', e.id, st.text, e.claimant FROM estimates AS e JOIN sentences AS st ON st.id = e.sentence_id
     WHERE e.source_id = :s"""


async def index_source(conn: Connection, source_id: int) -> None:
    """Index the quotes and estimates of a source just stored, for search."""
    if not conn.dialect.postgresql:
        await conn.execute(f"INSERT INTO facts_fts (kind, fact_id, text, speaker) {_FACT_TEXTS}", {"s": source_id})
        return
    await index_rows(conn, await conn.fetch(_FACT_TEXTS, {"s": source_id}))


async def index_rows(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Index facts given as (kind, id, text, speaker or claimant)."""
    if conn.dialect.postgresql:
        await conn.executemany(
            "INSERT INTO facts_fts (kind, fact_id, words) VALUES (?, ?, CAST(? AS tsvector))",
            [(kind, fact_id, tsvector(text, who)) for kind, fact_id, text, who in rows],
        )
    else:
        await conn.executemany(
            "INSERT INTO facts_fts (kind, fact_id, text, speaker) VALUES (?, ?, ?, ?)",
            [tuple(r) for r in rows],
        )
