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

import codecs
import datetime as dt
import re

from briefings.models import Article, ArticleError, ArticleMeta, SourceKind

HEADER_KEYS = frozenset({"outlet", "title", "published", "url", "kind"})
MAX_ARTICLE_BYTES = 2_000_000


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_PRESCAN_BYTES = 4096  # where a page's own declaration is looked for (the HTML standard says 1024)
_DECLARED = re.compile(
    rb"""<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([\w.:-]{1,40})|^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([\w.:-]{1,40})""",
    re.I,
)
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml\b[^>]{0,200}\?>")
# as browsers read labels (the WHATWG Encoding standard): Latin-1 and ASCII pages are windows-1252,
# whose curly quotes they carry in 0x80-0x9F; a <meta> cannot declare UTF-16 in an ASCII-readable page
_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii", "cp1252"})


def decode_html(data: bytes, charset: str | None = None) -> str:
    """A page's text, never an error: by its byte-order mark; else UTF-8 when the bytes are UTF-8 (a
    server's default label, often ISO-8859-1, is wrong for many pages, and other text is almost never
    valid UTF-8 by chance); else the charset its HTTP header declares (`charset`), else its `<meta>`
    (or XML declaration), the first the bytes fit; else, when none is declared or none fits (a page
    of windows-1252 bytes declared UTF-8), the charset detected (`detect_charset`)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    found = _DECLARED.search(data[:_PRESCAN_BYTES])
    in_page = (found.group(1) or found.group(2)).decode("ascii") if found else None
    declared = [c for c in (_codec(charset, header=True), _codec(in_page, header=False)) if c]
    for codec in ["utf-8", *dict.fromkeys(declared)]:
        try:
            text = data.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode(detect_charset(data), errors="replace")
    # the text is decoded now: an encoding left in an XML declaration would make the HTML parser
    # re-read it as bytes in that encoding
    return _XML_DECLARATION.sub("", text, count=1)


def detect_charset(data: bytes) -> str:
    """The charset of bytes that are not UTF-8, by charset-normalizer: its best guess, except that
    windows-1252 (the web's usual mislabelled charset, and browsers' fallback) wins whenever it reads
    the bytes as well as the guess does (the same text, or as little noise and as coherent a language)."""
    import charset_normalizer  # imported here: only pages whose declared charset does not fit need it

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return "cp1252"
    best = matches[0]
    for m in matches:
        if (m.chaos, -m.coherence) > (best.chaos, -best.coherence):
            break
        if "cp1252" in m.could_be_from_charset:
            return "cp1252"
    return best.encoding


def _codec(label: str | None, *, header: bool) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _AS_WINDOWS_1252:
        return "cp1252"
    if name.startswith(("utf-16", "utf-32")) and not header:
        return "utf-8"
    return name


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
    return parse_text(text, origin, suffix, default_tz)


def is_html(start: str, suffix: str = "") -> bool:
    """Whether an article is an HTML page, by its suffix or its first characters."""
    return (
        suffix.lower() in {".html", ".htm"}
        or re.match(r"\ufeff?\s*(?:<!doctype html|<html)", start[:500], re.I) is not None
    )


def parse_page(data: bytes, origin: str, charset: str | None = None) -> Article:
    """A fetched HTML page as an article, decoded by the charset its HTTP header declares (`charset`)
    or its own `<meta>`; raises `ArticleError` with a one-line reason."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"is {len(data):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one article")
    if not data.strip():
        raise ArticleError("is empty")
    return parse_text(decode_html(data, charset), origin, ".html")


def parse_text(text: str, origin: str, suffix: str = "", default_tz: dt.tzinfo = dt.UTC) -> Article:
    """Parse one article's decoded text: an HTML page, front matter and body, or plain text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_html(text[:500], suffix):
        return _from_html(text, origin)
    if text.startswith("---\n"):
        meta, body = _front_matter(text, default_tz)
        body = body.strip("\n")
    else:
        body = text.strip("\n")
        meta = ArticleMeta(title=headline(body))
    if not body.strip():
        raise ArticleError("has a header but no text")
    return Article(meta=meta, body=body, origin=origin)


HEADLINE_WORDS = 25
_ENDS_A_SENTENCE = re.compile(r"[.!?,;:…”\"’)]$")  # the extractor's closing marks for a headline, and ,;:…


def headline(body: str) -> str | None:
    """A plain text's first line when it reads as a headline: two to 25 words without closing
    punctuation, with the story below it. It stays in the text too: the facts are the same."""
    first, _, rest = body.partition("\n")
    if len(first) > 40 * HEADLINE_WORDS:
        return None
    first = " ".join(first.lstrip("# ").split())  # a Markdown heading reads as its words
    if not rest.strip() or _ENDS_A_SENTENCE.search(first) or not 2 <= len(first.split()) <= HEADLINE_WORDS:
        return None
    return first


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
