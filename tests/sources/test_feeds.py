"""Feeds against a local HTTP server (127.0.0.1 only): new entries in, every fault isolated."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from briefings.answers import queries
from briefings.sources import feeds
from briefings.sources.feeds import Poller, add_feed, canonical_url, list_feeds
from briefings.sources.worker import Extractor
from briefings.storyset import default_stories
from tests.conftest import serving
from tests.sources.test_worker import Heartbeat, long_article

NOW = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)

ON_TOPIC = """<html><head><title>Troops on the move</title></head><body><article>
<h1>More North Korean troops reach Russia</h1>
<p>About 2,000 more North Korean soldiers arrived in Russia this week, the defence ministry in Seoul said on Tuesday.</p>
<p>“The transfers are continuing at a steady pace and we are watching closely,” ministry spokesperson Lena Park told reporters.</p>
<p>The new arrivals are being trained at bases in the far east before moving west, officials said.</p>
</article></body></html>"""
OFF_TOPIC = """<html><head><title>Cup final</title></head><body><article>
<h1>City win the cup final</h1>
<p>City beat United 2-1 in the cup final on Saturday in front of a crowd of 80,000 at the national stadium.</p>
<p>“It was a wonderful day for everyone at the club and for our supporters,” the manager told reporters after the game.</p>
<p>The team will parade the trophy through the streets of the city centre on Sunday afternoon.</p>
</article></body></html>"""


def rss(items: list[tuple[str, str, str]], title: str = "Wire") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{guid}</guid>"
        f"<pubDate>{dt.datetime.now(dt.UTC).strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item>"
        for guid, t, link in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


LARGE_FEED = 300


class Site:
    """The feeds and pages the tests serve, with counters of what was asked."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.base = ""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self.handle)
        self.app = app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        b = self.base
        if path == "/rss":
            if request.headers.get("If-None-Match") == '"v1"':
                return web.Response(status=304)
            xml = rss(
                [
                    ("a", "Troops", f"{b}/page/on?utm_source=rss"),
                    ("b", "Cup", f"{b}/page/off"),
                    ("c", "Broken", f"{b}/page/500"),
                ]
            )
            return web.Response(
                text=xml,
                content_type="application/rss+xml",
                headers={"ETag": '"v1"', "Last-Modified": "Fri, 28 Mar 2025 10:00:00 GMT"},
            )
        if path == "/atom":
            return web.Response(
                text=(
                    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom wire</title>'
                    f'<entry><id>urn:x</id><title>Troops</title><link href="{b}/page/on"/>'
                    "<updated>2025-03-28T09:00:00Z</updated></entry></feed>"
                ),
                content_type="application/atom+xml",
            )
        if path == "/redated":
            return web.Response(
                text=rss([("same-guid", "Troops", f"{b}/page/on2")]), content_type="application/rss+xml"
            )
        if path == "/slow":
            await asyncio.sleep(2)
            return web.Response(text=rss([]), content_type="application/rss+xml")
        if path in {"/404", "/page/404"}:
            return web.Response(status=404, text="not here")
        if path in {"/500", "/page/500"}:
            return web.Response(status=500, text="broken")
        if path == "/loop":
            raise web.HTTPFound("/loop")
        if path == "/broken":
            return web.Response(text="<html><body>This is not a feed at all</body></html>", content_type="text/html")
        if path == "/huge":
            return web.Response(body=b"<rss>" + b"x" * (feeds.FEED_MAX_BYTES + 10), content_type="application/rss+xml")
        if path == "/pages-with-faults":
            return web.Response(
                text=rss(
                    [("h", "Huge", f"{b}/page/huge"), ("p", "Picture", f"{b}/page/png"), ("n", "Gone", f"{b}/page/404")]
                ),
                content_type="application/rss+xml",
            )
        if path in {"/page/on", "/page/on2"}:
            return web.Response(
                text=ON_TOPIC.replace("2,000", "2,000" if path == "/page/on" else "2,500"), content_type="text/html"
            )
        if path == "/page/off":
            return web.Response(text=OFF_TOPIC, content_type="text/html")
        if path == "/page/huge":
            return web.Response(body=b"<html>" + b"a" * (feeds.PAGE_MAX_BYTES + 10), content_type="text/html")
        if path == "/page/png":
            return web.Response(body=b"\x89PNG\r\n", content_type="image/png")
        if path == "/shifty":  # every poll: new ids, new links, the same three articles
            n = self.hits[path]
            items = [(f"poll{n}-{i}", "Troops", f"{b}/page/story{i}?v={n}") for i in range(3)]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path.startswith("/page/story"):
            return web.Response(text=story(int(path[-1])), content_type="text/html")
        if path == "/slow-entries":
            items = [(f"s{i}", "Troops", f"{b}/page/slow/{i}") for i in range(6)]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path.startswith("/page/slow/"):
            await asyncio.sleep(0.8)
            return web.Response(text=story(10 + int(path[-1])), content_type="text/html")
        if path == "/large":  # as a wire's archive feed: more entries than a poll can take
            items = [(f"l{i}", "Troops", f"{b}/page/large/{i}") for i in range(LARGE_FEED)]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path.startswith("/page/large/"):
            await asyncio.sleep(0.05)
            return web.Response(text=story(100 + int(path.rsplit("/", 1)[1])), content_type="text/html")
        if path == "/stuck":  # two pages longer than a poll may take: five polls, none with a new entry
            items = [(f"st{i}", "Troops", f"{b}/page/stuck") for i in range(2)]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path == "/page/stuck":
            await asyncio.sleep(5)
            return web.Response(text=story(9), content_type="text/html")
        if path == "/latin1":
            return web.Response(text=rss([("l", "Troops", f"{b}/page/latin1")]), content_type="application/rss+xml")
        if path == "/page/latin1":  # windows-1252 bytes labelled Latin-1, as servers do
            body = ON_TOPIC.replace("The transfers", "The Café transfers").encode("cp1252")
            return web.Response(body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
        if path == "/redirects-away":
            items = [("r", "Troops", f"{b}/page/to-unspecified"), ("o", "Troops", f"{b}/page/on")]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path == "/page/to-unspecified":  # on Linux 0.0.0.0 reaches this very server
            raise web.HTTPFound(f"http://0.0.0.0:{b.rsplit(':', 1)[1]}/page/on2")
        if path == "/to-decimal":
            raise web.HTTPFound(f"http://2130706433:{b.rsplit(':', 1)[1]}/rss")
        if path == "/big-then-good":
            items = [("big", "Troops", f"{b}/page/big"), ("good", "Troops", f"{b}/page/on")]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        if path == "/page/big":
            return web.Response(
                text=f"<html><body><article><p>{BIG}</p></article></body></html>", content_type="text/html"
            )
        if path == "/two":
            items = [("one", "Troops", f"{b}/page/on"), ("two", "Troops", f"{b}/page/on2")]
            return web.Response(text=rss(items), content_type="application/rss+xml")
        return web.Response(status=404)


def story(n: int) -> str:
    return ON_TOPIC.replace("2,000", f"{3000 + 100 * n:,}").replace("Lena Park", f"Lena Park{n}")


BIG = long_article(1_900_000).replace("\n", "</p><p>")


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    s = Site()
    async with serving(s.app) as port:
        s.base = f"http://127.0.0.1:{port}"
        yield s


@contextlib.asynccontextmanager
async def warm_extractor() -> AsyncIterator[Extractor]:
    """An extractor whose worker has started: a poll's deadline is then the time its feed takes."""
    async with Extractor() as ex:
        await ex.read_feed(rss([]).encode())
        yield ex


@pytest.fixture
async def poller(conn) -> AsyncIterator[Poller]:
    async with feeds.make_session(0.5, allow_loopback=True) as session:
        yield Poller(conn, session)


async def test_new_on_topic_entries_are_ingested_once_with_conditional_get(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/rss", now=NOW)
    first = await poller.poll(feed.id, NOW)
    assert (first.taken, first.failed, first.error) == (1, 1, None)  # on-topic in; off-topic skipped; 500 failed
    stored = await queries.sources(conn)
    assert len(stored) == 1 and stored[0].url == f"{site.base}/page/on" and stored[0].outlet
    pic = await queries.estimates(conn)
    assert [e.value for e in pic.latest] == [2000]
    assert [q.speaker for q in await queries.quotes_by(conn, "Park")] == ["Lena Park"]

    second = await poller.poll(feed.id, NOW + dt.timedelta(minutes=30))
    assert second.not_modified and second.taken == 0  # the server said 304 to our ETag
    (listed,) = await list_feeds(conn)
    assert (listed.title, listed.articles_taken, listed.entries_failed, listed.last_error) == ("Wire", 1, 1, None)
    assert site.hits["/page/on"] == 1


async def test_atom_feeds_and_the_same_page_in_two_feeds(conn, site, poller) -> None:
    rss_feed = await add_feed(conn, f"{site.base}/rss", now=NOW)
    atom_feed = await add_feed(conn, f"{site.base}/atom", now=NOW)
    assert (await poller.poll(rss_feed.id, NOW)).taken == 1
    result = await poller.poll(atom_feed.id, NOW)
    assert result.taken == 0 and result.skipped == 1  # the same page, by its canonical address
    assert len(await queries.sources(conn)) == 1


async def test_a_feed_that_redates_every_entry_floods_nothing(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/redated", now=NOW)
    results = [await poller.poll(feed.id, NOW + dt.timedelta(minutes=i)) for i in range(4)]
    assert [r.taken for r in results] == [1, 0, 0, 0]
    assert site.hits["/page/on2"] == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow", "did not answer in time"),
        ("/404", "answered 404"),
        ("/500", "answered 500"),
        ("/loop", "redirect loop"),
        ("/broken", "not readable RSS or Atom"),
        ("/huge", "byte limit"),
    ],
)
async def test_feed_faults_are_counted_and_pause_the_feed(conn, site, poller, path, reason) -> None:
    feed = await add_feed(conn, f"{site.base}{path}", now=NOW)
    healthy = await add_feed(conn, f"{site.base}/rss", now=NOW)
    for i in range(feeds.MAX_FAILURES):
        results = await poller.poll_all(NOW + dt.timedelta(minutes=i))
        bad = next(r for r in results if r.feed_id == feed.id)
        assert bad.error is not None and reason in bad.error
    listed = {f.id: f for f in await list_feeds(conn)}
    assert listed[feed.id].paused_reason and reason in listed[feed.id].paused_reason
    assert listed[healthy.id].paused_reason is None and listed[healthy.id].articles_taken == 1
    assert [r.feed_id for r in await poller.poll_all(NOW + dt.timedelta(hours=1))] == [healthy.id]


async def test_page_faults_are_recorded_per_entry_and_retried_a_few_times(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/pages-with-faults", now=NOW)
    for i in range(5):
        result = await poller.poll(feed.id, NOW + dt.timedelta(minutes=i))
        assert result.error is None  # the feed itself is fine
    entries = await conn.fetch("SELECT url, outcome, attempts, error FROM feed_entries ORDER BY url")
    rows = {r["url"].rsplit("/", 1)[1]: (r["outcome"], r["attempts"], r["error"]) for r in entries}
    assert rows["huge"][0] == "failed" and "byte limit" in rows["huge"][2]
    assert rows["png"][0] == "failed" and "not HTML" in rows["png"][2]
    assert rows["404"][0] == "failed" and "404" in rows["404"][2]
    assert all(attempts == feeds.ENTRY_ATTEMPTS for _, attempts, _ in rows.values())
    assert site.hits["/page/huge"] == feeds.ENTRY_ATTEMPTS


def test_canonical_urls_and_the_topic_filter() -> None:
    assert canonical_url("HTTPS://Example.COM/a?utm_source=x&id=3#top") == "https://example.com/a?id=3"
    stories = default_stories()
    fed = ("north-korean-troops",)
    assert [s.name for s in stories.fed_by(fed, "Pyongyang has sent more troops to Russia")] == list(fed)
    assert not stories.fed_by(fed, "North Korea tests a missile")  # the country alone is not the story
    assert not stories.fed_by(fed, "Troops parade in Kyiv")
    assert not stories.fed_by(("gone-story",), "Pyongyang has sent more troops to Russia")  # no longer followed


async def test_adding_a_bad_or_repeated_feed_is_refused(conn, site) -> None:
    with pytest.raises(feeds.FetchError, match="not an http"):
        await add_feed(conn, "ftp://example.com/feed", now=NOW)
    await add_feed(conn, f"{site.base}/rss", now=NOW)
    with pytest.raises(feeds.FetchError, match="already followed"):
        await add_feed(conn, f"{site.base}/rss", now=NOW)


async def _cli(tmp_path, *argv: str, **settings: str) -> tuple[int, str, str]:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(
        BRIEFINGS_DB=str(tmp_path / "cli.db"), BRIEFINGS_FEED_TIMEOUT="2", BRIEFINGS_ALLOW_LOOPBACK="1", COLUMNS="200"
    )
    env.update(settings)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "briefings.cli",
        *argv,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_the_feed_commands_of_the_cli(site, tmp_path) -> None:
    code, out, _ = await _cli(tmp_path, "feeds", "add", f"{site.base}/rss", "--every", "15")
    assert code == 0 and out.startswith("following feed 1:")
    code, out, _ = await _cli(tmp_path, "feeds", "poll")
    assert code == 1 and "feed 1: ok; 1 taken, 1 skipped, 1 failed" in out  # an entry failed: exit 1, as ingest
    code, out, _ = await _cli(tmp_path, "feeds", "list")
    assert "Wire" in out and "15 min" in out and "active" in out
    code, out, err = await _cli(tmp_path, "ingest", f"{site.base}/page/on2", f"{site.base}/page/png")
    assert code == 1
    assert f"added: {site.base}/page/on2" in out
    assert f"error: {site.base}/page/png: the page is image/png, not HTML" in err
    code, _, err = await _cli(tmp_path, "feeds", "remove", "7")
    assert code == 2 and err.strip() == "error: There is no feed 7; `briefings feeds list` shows them."


async def test_a_feed_that_changes_every_id_and_link_adds_nothing_new(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/shifty", now=NOW)
    results = [await poller.poll(feed.id, NOW + dt.timedelta(minutes=30 * i)) for i in range(3)]
    assert [(r.taken, r.skipped, r.failed) for r in results] == [(3, 0, 0), (0, 3, 0), (0, 3, 0)]
    assert len(await queries.sources(conn)) == 3  # not 9: the same text at a new address is no new article
    rows = await conn.fetch("SELECT outcome, COUNT(*) FROM feed_entries GROUP BY outcome ORDER BY 1")
    assert [tuple(r) for r in rows] == [("duplicate", 6), ("ingested", 3)]


@pytest.mark.timing
async def test_a_poll_out_of_time_after_new_entries_is_progress_and_the_rest_come_next(conn, site) -> None:
    feed = await add_feed(conn, f"{site.base}/slow-entries", now=NOW)
    async with feeds.make_session(5, allow_loopback=True) as session, warm_extractor() as ex:
        poller = Poller(conn, session, deadline=3, extractor=ex)  # six pages of 0.8 s each do not fit in one poll
        first = await poller.poll(feed.id, NOW)
        (listed,) = await list_feeds(conn)
        assert first.error is None and "3-second deadline (BRIEFINGS_POLL_DEADLINE)" in first.unfinished
        assert 1 <= first.taken < 6 and listed.failures == 0 and listed.last_error is None
        assert listed.articles_taken == first.taken and listed.etag is None  # the next poll reads it all again
        results = [first]
        while results[-1].unfinished is not None and len(results) < 6:
            results.append(await poller.poll(feed.id, NOW + dt.timedelta(minutes=len(results))))
    assert results[-1].unfinished is None and sum(r.taken for r in results) == 6  # later polls take the rest
    (listed,) = await list_feeds(conn)
    assert (listed.failures, listed.articles_taken, listed.paused_reason) == (0, 6, None)


@pytest.mark.timing
async def test_a_large_feed_is_read_over_many_polls_and_never_paused(conn, site) -> None:
    feed = await add_feed(conn, f"{site.base}/large", now=NOW)
    async with feeds.make_session(5, allow_loopback=True) as session, warm_extractor() as ex:
        poller = Poller(conn, session, deadline=3, extractor=ex)
        results = [await poller.poll(feed.id, NOW + dt.timedelta(minutes=n)) for n in range(feeds.MAX_FAILURES + 2)]
    assert all(r.error is None and r.unfinished is not None and r.taken >= 1 for r in results)
    (listed,) = await list_feeds(conn)
    assert (listed.failures, listed.paused_reason) == (0, None)
    assert listed.articles_taken == sum(r.taken for r in results) == len(await queries.sources(conn))
    stored = await conn.fetchval("SELECT COUNT(DISTINCT entry_key) FROM feed_entries WHERE outcome = 'ingested'")
    assert stored == listed.articles_taken < LARGE_FEED  # each poll went on where the last stopped


@pytest.mark.timing
async def test_a_poll_out_of_time_without_a_new_entry_is_a_failure(conn, site) -> None:
    feed = await add_feed(conn, f"{site.base}/stuck", now=NOW)
    async with feeds.make_session(5, allow_loopback=True) as session, warm_extractor() as ex:
        poller = Poller(conn, session, deadline=2, extractor=ex)  # its first page takes longer than a poll may
        results = [await poller.poll(feed.id, NOW + dt.timedelta(minutes=n)) for n in range(feeds.MAX_FAILURES)]
    assert all(r.error is not None and "2-second deadline" in r.error and r.taken == 0 for r in results)
    (listed,) = await list_feeds(conn)
    assert listed.failures == feeds.MAX_FAILURES and listed.paused_reason.startswith("paused after 5 failed polls")


async def test_feed_pages_are_read_by_their_declared_charset(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/latin1", now=NOW)
    assert (await poller.poll(feed.id, NOW)).taken == 1
    (quote,) = await queries.quotes_by(conn, "Park")
    assert quote.text.startswith("The Café transfers are continuing")


async def test_entries_redirected_to_forbidden_addresses_are_refused_and_the_rest_go_on(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/redirects-away", now=NOW)
    result = await poller.poll(feed.id, NOW)
    assert (result.taken, result.failed, result.error) == (1, 1, None)
    rows = await conn.fetch("SELECT error FROM feed_entries WHERE outcome = 'failed'")
    assert (
        rows[0][0]
        == "refused: 0.0.0.0 is the unspecified address (0.0.0.0/32, RFC 1122); only public addresses are fetched"
    )
    assert "/page/on2" not in site.hits  # the redirect was never followed


async def test_a_feed_redirected_to_a_forbidden_address_fails_its_polls(conn, site, poller) -> None:
    feed = await add_feed(conn, f"{site.base}/to-decimal", now=NOW)
    result = await poller.poll(feed.id, NOW)
    assert result.error == (
        "refused: 2130706433 is an IPv4 address written in a legacy numeric form; only public addresses are fetched"
    )
    assert (await list_feeds(conn))[0].failures == 1 and "/rss" not in site.hits


async def test_feeds_at_forbidden_addresses_are_refused_when_added(conn) -> None:
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://2852039166/rss"):
        with pytest.raises(feeds.FetchError, match=r"^refused: "):
            await add_feed(conn, url, now=NOW)
    assert await list_feeds(conn) == []


async def test_loopback_feeds_are_refused_unless_the_setting_allows_them(conn, site) -> None:
    feed = await add_feed(conn, f"{site.base}/rss", now=NOW)  # an address the session judges
    async with feeds.make_session(2) as session:
        result = await Poller(conn, session).poll(feed.id, NOW)
    assert result.error == (
        "refused: 127.0.0.1 is a loopback address (127.0.0.0/8, RFC 1122); only public addresses are fetched; "
        "BRIEFINGS_ALLOW_LOOPBACK=true lets this machine's own addresses through"
    )
    assert site.hits == {}


@pytest.mark.timing
async def test_an_entry_over_the_budget_is_that_entrys_failure_while_the_loop_serves(conn, site) -> None:
    feed = await add_feed(conn, f"{site.base}/big-then-good", now=NOW)
    beat = Heartbeat()
    ticking = asyncio.create_task(beat.run())
    try:
        async with feeds.make_session(5, allow_loopback=True) as session:
            result = await Poller(conn, session, budget=0.5).poll(feed.id, NOW)
    finally:
        ticking.cancel()
    assert (result.taken, result.failed, result.error) == (1, 1, None)
    rows = await conn.fetch("SELECT url, error FROM feed_entries WHERE outcome = 'failed'")
    assert rows[0][0].endswith("/page/big") and rows[0][1].startswith("took longer than 0.5 s to read")
    assert beat.longest_gap() < 0.25


async def test_an_unexpected_fault_in_one_entry_is_that_entrys_error(conn, site, poller, monkeypatch) -> None:
    real = feeds.add_article

    async def refusing_the_first(conn, article, facts, **kwargs):  # as the store refused a value
        if article.meta.url.endswith("/page/on"):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return await real(conn, article, facts, **kwargs)

    monkeypatch.setattr(feeds, "add_article", refusing_the_first)
    feed = await add_feed(conn, f"{site.base}/two", now=NOW)
    results = [await poller.poll(feed.id, NOW + dt.timedelta(minutes=i)) for i in range(feeds.ENTRY_ATTEMPTS + 1)]
    assert [(r.taken, r.failed, r.error) for r in results] == [(1, 1, None), (0, 1, None), (0, 1, None), (0, 0, None)]
    rows = await conn.fetch("SELECT attempts, error FROM feed_entries WHERE outcome = 'failed'")
    assert tuple(rows[0]) == (
        feeds.ENTRY_ATTEMPTS,
        "failed (OverflowError: Python int too large to convert to SQLite INTEGER); it was not stored",
    )
    (listed,) = await list_feeds(conn)
    assert (listed.articles_taken, listed.entries_failed, listed.failures) == (1, feeds.ENTRY_ATTEMPTS, 0)


async def test_an_unexpected_fault_in_a_poll_is_counted_until_the_feed_pauses(conn, site, poller, monkeypatch) -> None:
    async def broken(*args, **kwargs):
        raise ValueError("an unforeseen answer")

    monkeypatch.setattr(feeds, "fetch", broken)
    feed = await add_feed(conn, f"{site.base}/rss", now=NOW)
    for i in range(feeds.MAX_FAILURES):
        result = await poller.poll(feed.id, NOW + dt.timedelta(minutes=i))
        assert result.error == "the poll failed (ValueError: an unforeseen answer)"
    (listed,) = await list_feeds(conn)
    assert listed.paused_reason and "ValueError: an unforeseen answer" in listed.paused_reason


async def test_following_a_feed_refuses_at_once_what_can_never_work(conn, site) -> None:
    async with feeds.make_session(2) as session:  # BRIEFINGS_ALLOW_LOOPBACK unset
        with pytest.raises(
            feeds.FetchError, match=r"127\.0\.0\.1 is a loopback address.*BRIEFINGS_ALLOW_LOOPBACK=true"
        ):
            await Poller(conn, session).follow(f"{site.base}/rss", now=NOW)
    assert site.hits == {}
    async with feeds.make_session(2, allow_loopback=True) as session:
        poller = Poller(conn, session)
        long = f"{site.base}/rss?q=" + "a" * 2000
        with pytest.raises(feeds.FetchError, match=r"^an address of 2,0\d\d characters is too long for a feed"):
            await poller.follow(long, now=NOW)
        with pytest.raises(feeds.FetchError, match=r"/page/on' is a web page, not an RSS or Atom feed"):
            await poller.follow(f"{site.base}/page/on", now=NOW)
        with pytest.raises(feeds.FetchError, match=r"^cannot follow '.*/404': the server answered 404"):
            await poller.follow(f"{site.base}/404", now=NOW)
        assert await list_feeds(conn) == []
        feed = await poller.follow(f"{site.base}/rss", every_minutes=15, now=NOW)
    assert (feed.title, feed.every_minutes, feed.last_polled) == ("Wire", 15, None)  # read once, polled later


async def test_the_cli_refuses_to_follow_a_page_or_a_loopback_address_in_one_line(site, tmp_path) -> None:
    code, out, err = await _cli(tmp_path, "feeds", "add", f"{site.base}/page/on")
    assert code == 2 and out == "" and err.count("\n") == 1 and "is a web page, not an RSS or Atom feed" in err
    code, _, err = await _cli(tmp_path, "feeds", "add", f"{site.base}/rss", BRIEFINGS_ALLOW_LOOPBACK="false")
    assert code == 2 and err.count("\n") == 1 and "BRIEFINGS_ALLOW_LOOPBACK=true" in err
    code, _, err = await _cli(tmp_path, "feeds", "add", f"{site.base}/rss?" + "q" * 5990)
    assert code == 2 and err.count("\n") == 1 and "too long for a feed (at most 2,000)" in err
    code, out, _ = await _cli(tmp_path, "feeds", "list")
    assert code == 0 and out.startswith("No feeds")  # nothing was stored
