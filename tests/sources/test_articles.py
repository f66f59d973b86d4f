import datetime as dt

import pytest

from briefings.models import ArticleError, SourceKind
from briefings.sources.articles import MAX_ARTICLE_BYTES, decode_html, parse_article, render_article


def test_front_matter_is_read() -> None:
    a = parse_article(
        b"---\noutlet: Daily Ledger\ntitle: A title\npublished: 2025-03-13T09:30:00+01:00\nkind: rewrite\n---\nBody line.\n",
        "x.txt",
    )
    assert a.meta.outlet == "Daily Ledger"
    assert a.meta.published == dt.datetime(2025, 3, 13, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert a.meta.kind is SourceKind.rewrite
    assert a.body == "Body line."


def test_a_date_without_time_is_midnight_utc_and_plain_text_has_no_header() -> None:
    a = parse_article(b"---\npublished: 2025-03-13\n---\nBody.", "x.txt")
    assert a.meta.published == dt.datetime(2025, 3, 13, tzinfo=dt.UTC)
    plain = parse_article(b"Just a story.\nSecond paragraph.", "plain.txt")
    assert plain.meta.outlet is None and plain.body.startswith("Just a story.")


HEADLINED = "North Korean troops reach the front in Kursk\n\nAbout 1,500 soldiers arrived, officials said."


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (HEADLINED, "North Korean troops reach the front in Kursk"),
        ("# Seoul says more troops are on their way\nThe ministry said so.", "Seoul says more troops are on their way"),
        ("About 1,500 soldiers arrived, officials said.\nMore followed.", None),  # a sentence, not a headline
        ("Kursk\nMore followed.", None),  # one word
        ("North Korean troops reach the front in Kursk", None),  # nothing below it: the story itself
        (" ".join(["word"] * 26) + "\nMore followed.", None),  # too long for a headline
    ],
)
def test_plain_text_takes_a_headline_looking_first_line_as_its_title(text: str, title: str | None) -> None:
    a = parse_article(text.encode(), "story.txt")
    assert a.meta.title == title and a.meta.outlet is None
    assert a.body == text  # the headline stays in the text: the facts found are the same


def test_render_and_parse_round_trip() -> None:
    a = parse_article(b"---\noutlet: Ledger\npublished: 2025-03-13T00:00:00+00:00\n---\nBody.\n", "x.txt")
    assert parse_article(render_article(a).encode(), "x.txt").meta == a.meta


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 story".encode("latin-1"), "not UTF-8"),
        (b"---\noutlet: Ledger\nno colon here\n---\nBody", "broken header at line 3"),
        (b"---\nauthor: Someone\n---\nBody", "broken header"),
        (b"---\noutlet: Ledger\nBody without a closing line", "never closes"),
        (b"---\npublished: last Tuesday\n---\nBody", "not an ISO date"),
        (b"---\nkind: opinion\n---\nBody", "'original' or 'rewrite'"),
        (b"---\noutlet: Ledger\n---\n\n", "no text"),
        (b"x" * (MAX_ARTICLE_BYTES + 1), "limit"),
    ],
)
def test_bad_input_is_one_clear_reason(data: bytes, problem: str) -> None:
    with pytest.raises(ArticleError, match=problem) as info:
        parse_article(data, "bad.txt")
    assert "\n" not in str(info.value)


def test_html_page_main_text_is_extracted() -> None:
    html = """<!doctype html><html><head><title>Troops arrive - Daily Ledger</title></head><body>
    <nav>Home | World | Sport | Subscribe now</nav>
    <article><h1>Troops arrive</h1>
    <p>About 2,000 soldiers arrived at the border on Monday, the defence ministry said in a statement.</p>
    <p>“We are watching closely and we are ready,” said General Aldo Mancini, the army chief of staff.</p>
    <p>The deployment follows weeks of rising tension between the two neighbours along the frontier.</p>
    </article><footer>Copyright Daily Ledger. All rights reserved. Cookie settings.</footer></body></html>"""
    a = parse_article(html.encode(), "page.html", ".html")
    assert "About 2,000 soldiers arrived" in a.body
    assert "Cookie settings" not in a.body and "Subscribe now" not in a.body


@pytest.mark.parametrize(
    ("data", "declared", "text"),
    [
        ("<p>“Café” déjà</p>".encode("cp1252"), "iso-8859-1", "<p>“Café” déjà</p>"),  # Latin-1 is read as browsers do
        (
            '<meta charset="windows-1251"><p>Войска</p>'.encode("cp1251"),
            None,
            '<meta charset="windows-1251"><p>Войска</p>',
        ),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><p>北朝鮮</p>'.encode("shift_jis"),
            None,
            None,
        ),
        ("<p>Café</p>".encode(), "iso-8859-1", "<p>Café</p>"),  # UTF-8 behind a server's default Latin-1 label
        (b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>", "iso-8859-1", "<p>Café</p>"),  # the byte-order mark wins
        ('<?xml version="1.0" encoding="iso-8859-1"?><p>Café</p>'.encode("latin-1"), None, "<p>Café</p>"),
        (b"<p>Caf\xe9 \xff\xfe</p>", "no-such-charset", None),  # an unknown label: as if none
    ],
)
def test_pages_are_decoded_by_their_declared_charset(data: bytes, declared: str | None, text: str | None) -> None:
    decoded = decode_html(data, declared)
    if text is not None:
        assert decoded == text
    else:
        assert "\ufffd" not in decoded and decoded.startswith(("<meta", "<p>Caf"))
