"""Reading one article from bytes: the front-matter text format, plain text, or a saved HTML page.

The format a user writes by hand (documented in the README):

    ---
    outlet: NBC News
    title: North Korean troops fighting Ukraine will be 'fair game,' U.S. warns Putin
    published: 2024-10-24T16:25:00+05:00
    url: https://www.nbcnews.com/...
    kind: original
    ---
    The article's text, one paragraph per line.

Every header line is optional; `kind` is `original` or `rewrite`. Pure: no file access here.
"""

from __future__ import annotations

import datetime as dt
import re

from briefings.models import Article, ArticleMeta, SourceKind

HEADER_KEYS = frozenset({"outlet", "title", "published", "url", "kind"})
MAX_ARTICLE_BYTES = 2_000_000


class ArticleError(ValueError):
    """An article that cannot be read; the message is one sentence for the user."""


def parse_article(data: bytes, origin: str, suffix: str = "", default_tz: dt.tzinfo = dt.UTC) -> Article:
    """Decode and parse one article. Raises `ArticleError` with a one-line reason."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"is {len(data):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one article")
    if not data.strip():
        raise ArticleError("is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError("is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"is not UTF-8 text (bad byte at offset {exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix.lower() in {".html", ".htm"} or re.match(r"\s*(?:<!doctype html|<html)", text[:500], re.I):
        return _from_html(text, origin)
    if text.startswith("---\n"):
        meta, body = _front_matter(text, default_tz)
    else:
        meta, body = ArticleMeta(), text
    body = body.strip("\n")
    if not body.strip():
        raise ArticleError("has a header but no text")
    return Article(meta=meta, body=body, origin=origin)


def _front_matter(text: str, default_tz: dt.tzinfo) -> tuple[ArticleMeta, str]:
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.rstrip().endswith("\n---"):
            end = len(text.rstrip()) - 4
        else:
            raise ArticleError("has a header that opens with '---' but never closes it")
    fields: dict[str, str] = {}
    for n, line in enumerate(text[4:end].split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or key not in HEADER_KEYS:
            raise ArticleError(
                f"has a broken header at line {n}: expected 'key: value' with a key among {', '.join(sorted(HEADER_KEYS))}"
            )
        fields[key] = value.strip()
    body = text[end + 5 :]
    kind_text = (fields.get("kind") or "original").lower()
    if kind_text not in {k.value for k in SourceKind}:
        raise ArticleError(f"has kind '{kind_text}' in its header; use 'original' or 'rewrite'")
    meta = ArticleMeta(
        outlet=fields.get("outlet") or None,
        title=fields.get("title") or None,
        published=parse_published(fields["published"], default_tz) if fields.get("published") else None,
        url=fields.get("url") or None,
        kind=SourceKind(kind_text),
    )
    return meta, body


def parse_published(value: str, default_tz: dt.tzinfo = dt.UTC) -> dt.datetime:
    """An ISO date or date-time; a date alone is midnight, a naive time is in `default_tz`."""
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ArticleError(f"has a publication date '{value}' that is not an ISO date such as 2024-10-24") from None
    return when if when.tzinfo else when.replace(tzinfo=default_tz)


def _from_html(html: str, origin: str) -> Article:
    import trafilatura  # imported here: a heavy import only HTML pages need

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, favor_precision=True)
    if doc is None:
        raise ArticleError("is an HTML page with no article text that could be extracted")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (data.get("text") or "").strip()
    if not body:
        raise ArticleError("is an HTML page with no article text that could be extracted")
    published = None
    if data.get("date"):
        try:
            published = parse_published(str(data["date"]))
        except ArticleError:
            published = None
    meta = ArticleMeta(
        outlet=data.get("sitename") or None,
        title=data.get("title") or None,
        published=published,
        url=data.get("url") or None,
    )
    return Article(meta=meta, body=body, origin=origin)


def render_article(article: Article) -> str:
    """The article in the front-matter format, as `parse_article` reads it back."""
    m = article.meta
    lines = ["---"]
    for key, value in (
        ("outlet", m.outlet),
        ("title", m.title),
        ("published", m.published.isoformat() if m.published else None),
        ("url", m.url),
        ("kind", m.kind.value),
    ):
        if value:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + article.body.rstrip("\n") + "\n"
