"""Fetching untrusted addresses against a real local HTTP server (127.0.0.1 only): what the session
refuses to reach, the first time and after every redirect, and pages read by their declared charset."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from briefings.answers import queries
from briefings.sources.ingest import fetch_article, ingest_article
from briefings.sources.web import FetchError, fetch, make_session
from briefings.sources.worker import Extractor
from tests.conftest import serving

STORY = (
    "<html><head>{meta}<title>Troops</title></head><body><article><h1>Troops on the move</h1>"
    "<p>About 2,000 more North Korean soldiers arrived in Russia this week, the ministry in Seoul said.</p>"
    "<p>{quote} ministry spokesperson Lena Park told reporters on Tuesday at the briefing.</p>"
    "<p>The new arrivals are being trained at bases in the far east before moving west, officials said.</p>"
    "</article></body></html>"
)
LATIN = "“Café talks are continuing at a steady pace, and we are watching closely,”"
CYRILLIC = "«Мы внимательно следим за переброской войск, и она продолжается»,"


class Names(AbstractResolver):
    """A resolver that knows only the names a test gives it (no real DNS), counting its lookups."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        if host not in self.answers:
            raise OSError(f"{host} is not known here")
        return [
            ResolveResult(hostname=host, host=a, port=port, family=socket.AF_INET, proto=0, flags=socket.AI_NUMERICHOST)
            for a in self.answers[host]
        ]

    async def close(self) -> None:
        pass


class Site:
    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.hosts: list[str] = []
        self.port = 0
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        self.app = app

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.hosts.append(request.headers.get("Host", ""))
        redirects = {
            "/to-unspecified": f"http://0.0.0.0:{self.port}/page",  # on Linux, 0.0.0.0 reaches this server
            "/to-decimal": f"http://2130706433:{self.port}/page",  # 127.0.0.1 as one number
            "/to-name": f"http://unspecified.test:{self.port}/page",
            "/hop1": "/hop2",
            "/hop2": "/to-unspecified",
            "/to-page": "/page",
        }
        if path in redirects:
            raise web.HTTPFound(redirects[path])
        if path == "/page":
            return web.Response(text=STORY.format(meta="", quote=LATIN), content_type="text/html")
        if path == "/latin1-header":  # windows-1252 bytes (curly quotes) labelled as Latin-1, as is common
            body = STORY.format(meta="", quote=LATIN).encode("cp1252")
            return web.Response(body=body, headers={"Content-Type": "text/html; charset=ISO-8859-1"})
        if path == "/latin1-meta":
            body = STORY.format(meta='<meta charset="iso-8859-1">', quote=LATIN).encode("cp1252")
            return web.Response(body=body, headers={"Content-Type": "text/html"})
        if path == "/cp1251-meta":
            meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            body = STORY.format(meta=meta, quote=CYRILLIC).encode("cp1251")
            return web.Response(body=body, headers={"Content-Type": "text/html"})
        if path == "/xml-declared":  # XHTML whose declaration names the charset
            body = ('<?xml version="1.0" encoding="iso-8859-1"?>' + STORY.format(meta="", quote=LATIN)).encode("cp1252")
            return web.Response(body=body, headers={"Content-Type": "application/xhtml+xml"})
        if path == "/wrongly-declared":  # windows-1252 bytes declared UTF-8, in the header and the page
            body = STORY.format(meta='<meta charset="utf-8">', quote=LATIN).encode("cp1252")
            return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8"})
        if path == "/undeclared":
            return web.Response(
                body=STORY.format(meta="", quote=LATIN).encode("cp1252"), headers={"Content-Type": "text/html"}
            )
        return web.Response(status=404)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    s = Site()
    async with serving(s.app) as s.port:
        yield s


@pytest.fixture
async def extractor() -> AsyncIterator[Extractor]:
    async with Extractor(budget=20) as ex:
        yield ex


async def test_loopback_is_refused_unless_the_setting_allows_it(site) -> None:
    async with make_session(2) as session:
        with pytest.raises(FetchError) as refused:
            await fetch(session, f"{site.base}/page", max_bytes=10_000)
        with pytest.raises(FetchError, match=r"refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address"):
            await fetch(session, f"http://localhost:{site.port}/page", max_bytes=10_000)
    assert str(refused.value) == (
        "refused: 127.0.0.1 is a loopback address (127.0.0.0/8, RFC 1122); only public addresses are fetched; "
        "BRIEFINGS_ALLOW_LOOPBACK=true lets this machine's own addresses through"
    )
    assert site.hits == {}  # nothing reached the server
    async with make_session(2, allow_loopback=True) as session:
        assert (await fetch(session, f"{site.base}/page", max_bytes=10_000)).status == 200


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-unspecified", "0.0.0.0 is the unspecified address"),
        ("/to-decimal", "2130706433 is an IPv4 address written in a legacy numeric form"),
        ("/to-name", "unspecified.test resolves to 0.0.0.0, the unspecified address"),
        ("/hop1", "0.0.0.0 is the unspecified address"),  # the third hop, after two allowed ones
    ],
)
async def test_every_redirect_is_checked_again(site, path, reason) -> None:
    names = Names({"unspecified.test": ["0.0.0.0"]})
    async with make_session(2, allow_loopback=True, resolver=names) as session:
        with pytest.raises(FetchError, match=f"^refused: {reason}"):
            await fetch(session, f"{site.base}{path}", max_bytes=10_000)
        assert (await fetch(session, f"{site.base}/to-page", max_bytes=10_000)).status == 200  # allowed ones go on
    assert site.hits.get("/page", 0) == 1  # only through the allowed redirect


async def test_a_connection_goes_to_the_address_that_was_checked(site) -> None:
    # a name only this resolver knows (.invalid never resolves in DNS): the page arrives, so the
    # connection went to the vetted answer, with no second lookup anyone else could answer
    names = Names({"pinned.invalid": ["127.0.0.1"], "rebind.invalid": ["127.0.0.1", "0.0.0.0"]})
    async with make_session(2, allow_loopback=True, resolver=names) as session:
        got = await fetch(session, f"http://pinned.invalid:{site.port}/page", max_bytes=10_000)
        with pytest.raises(FetchError, match=r"rebind\.invalid resolves to 0\.0\.0\.0"):
            await fetch(session, f"http://rebind.invalid:{site.port}/page", max_bytes=10_000)
    assert got.status == 200 and b"North Korean soldiers" in got.body
    assert names.lookups == ["pinned.invalid", "rebind.invalid"]
    assert site.hosts == [f"pinned.invalid:{site.port}"]


async def test_only_http_addresses_are_fetched() -> None:
    async with make_session(2) as session:
        for url in ("file:///etc/passwd", "ftp://example.com/feed", "http:///nohost", "gopher://x"):
            with pytest.raises(FetchError, match="is not an http"):
                await fetch(session, url, max_bytes=10)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/latin1-header", LATIN),
        ("/latin1-meta", LATIN),
        ("/cp1251-meta", CYRILLIC),
        ("/xml-declared", LATIN),
        ("/undeclared", "Café talks"),  # no label and not UTF-8: a guess, which keeps the letters
        ("/wrongly-declared", LATIN),  # a label the bytes do not fit: detected instead
    ],
)
async def test_pages_are_read_by_their_declared_charset(site, extractor, path, expected) -> None:
    async with make_session(2, allow_loopback=True) as session:
        article = await fetch_article(session, extractor, f"{site.base}{path}")
    assert expected.strip("“”«»,") in article.body
    assert "\ufffd" not in article.body


async def test_a_session_that_does_not_vet_addresses_is_not_used() -> None:
    async with aiohttp.ClientSession() as plain:
        with pytest.raises(TypeError, match="make_session"):
            await fetch(plain, "https://example.com/", max_bytes=10)


async def test_a_page_declared_utf8_in_windows_1252_keeps_its_quote(site, extractor, conn) -> None:
    async with make_session(2, allow_loopback=True) as session:
        article = await fetch_article(session, extractor, f"{site.base}/wrongly-declared")
    added = await ingest_article(conn, article, extractor=extractor)
    assert added.added and added.quotes == 1
    (quote,) = await queries.quotes_by(conn, "Lena Park")
    assert quote.text == LATIN.strip("“”,")
