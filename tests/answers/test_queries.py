"""Queries answer "how many, says who, since when" and "what did X say" from stored articles."""

from __future__ import annotations

import datetime as dt

import pytest

from briefings.answers import queries
from briefings.models import Status
from briefings.sources.ingest import ingest_paths
from tests.conftest import SEEDS, article

DAY1 = article(
    "Ledger",
    "2025-03-03",
    """Vardia's defence ministry said on Monday that about 3,000 soldiers had been deployed to the border.
Analyst Omar Said said up to 500 troops had reached the front line.
“We have no intention of crossing the border,” Defence Minister Alma Ruiz told reporters on Monday.""",
)
DAY10 = article(
    "Courier",
    "2025-03-12",
    """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border.
“The situation has changed and we must be ready,” Ruiz said in a televised address on Tuesday.
Ruiz told parliament that 8,000 troops would be sent by April.""",
)
COPY = article(  # the same text, syndicated later that day
    "Courier Syndication",
    "2025-03-12T18:00:00+00:00",
    """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border.
“The situation has changed and we must be ready,” Ruiz said in a televised address on Tuesday.
Ruiz told parliament that 8,000 troops would be sent by April.""",
)


@pytest.fixture
async def stocked(conn, write):
    paths = [write("1.txt", DAY1), write("10.txt", DAY10), write("10copy.txt", COPY)]
    await ingest_paths(conn, [str(p) for p in paths])
    return conn


async def test_latest_per_claimant_range_and_change(stocked) -> None:
    pic = await queries.estimates(stocked, status=Status.deployed)
    (ministry,) = [e for e in pic.latest if "ministry" in e.claimant]
    assert (ministry.value, ministry.number, ministry.claimed_on) == (5000, "more than 5,000", dt.date(2025, 3, 12))
    assert ministry.reported_by == ["Courier", "Courier Syndication"]
    assert ministry.independent_sources == 1  # the syndicated copy is not a second source
    (change,) = pic.changes
    assert (change.before, change.after, change.delta) == (3000, 5000, 2000)
    assert [r.status for r in pic.ranges] == [Status.deployed]
    points = [(p.claimed_on, p.value) for p in pic.history if "ministry" in p.claimant]
    assert points[0] == (dt.date(2025, 3, 3), 3000) and points[-1] == (dt.date(2025, 3, 12), 5000)


async def test_filters_by_status_claimant_and_date(stocked) -> None:
    everything = await queries.estimates(stocked)
    assert {e.status for e in everything.latest} == {Status.deployed, Status.frontline, Status.planned}
    ruiz = await queries.estimates(stocked, claimant="ruiz")
    assert [(e.claimant, e.value, e.status) for e in ruiz.latest] == [("Alma Ruiz", 8000, Status.planned)]
    early = await queries.estimates(stocked, until=dt.date(2025, 3, 5))
    assert {e.value for e in early.latest} == {3000, 500}
    late = await queries.estimates(stocked, since=dt.date(2025, 3, 10))
    assert 3000 not in {e.value for e in late.latest}


@pytest.mark.parametrize("name", ["ruiz", "RUIZ", "Alma Ruiz", "alma", "Ruíz"])
async def test_quotes_by_forgiving_names_newest_first(stocked, name) -> None:
    found = await queries.quotes_by(stocked, name)
    assert [q.text for q in found] == [
        "The situation has changed and we must be ready",
        "We have no intention of crossing the border",
    ]
    assert found[0].claimed_on == dt.date(2025, 3, 11)
    assert found[0].reported_by == ["Courier", "Courier Syndication"]


async def test_quotes_contains_filter_and_unknown_speaker(stocked) -> None:
    assert [q.text for q in await queries.quotes_by(stocked, "ruiz", contains="border")] == [
        "We have no intention of crossing the border"
    ]
    assert await queries.quotes_by(stocked, "Nobody Here") == []


async def test_the_words_a_speakers_quotes_hold_read_as_a_search_and_a_malformed_filter_says_so(stocked) -> None:
    async def holding(words: str) -> list[str]:
        return sorted(q.text for q in await queries.quotes_by(stocked, "ruiz", contains=words))

    assert await holding('"crossing the border" OR ready') == [
        "The situation has changed and we must be ready",
        "We have no intention of crossing the border",
    ]
    assert await holding("situation NOT ready") == []
    assert await holding("(situation OR intention) AND chang*") == ["The situation has changed and we must be ready"]
    for malformed, problem in (
        ('"crossing the border" OR', "OR out of place"),
        ('"crossing the', "unclosed quote mark"),
        ("(border", "brackets that do not match"),
        ("(" * 20 + "border" + ")" * 20, "more than 16 deep"),
    ):
        with pytest.raises(queries.QueryError, match="malformed") as err:
            await queries.quotes_by(stocked, "ruiz", contains=malformed)
        assert problem in str(err.value) and str(err.value).count(".") == 1, err.value  # one sentence


async def test_search_finds_quotes_and_claims_and_explains_bad_syntax(stocked) -> None:
    hits = await queries.search(stocked, "ready")
    assert [(h.kind, h.who) for h in hits] == [("quote", "Alma Ruiz")]  # the copy is not listed twice
    hits = await queries.search(stocked, "deployed border")
    assert {h.kind for h in hits} == {"estimate"}
    assert await queries.search(stocked, "Vardia's")  # an apostrophe is not a syntax error
    with pytest.raises(queries.QueryError, match="unclosed quote mark"):
        await queries.search(stocked, '"unbalanced quote')
    with pytest.raises(queries.QueryError):
        await queries.search(stocked, "   ")


@pytest.mark.parametrize(
    "query",
    [
        "*",
        "^fair",
        "fair*",
        "NEAR(fair game)",
        "speaker:fair",
        "-fair",
        "fair OR",
        "(",
        ")",
        "{fair}",
        "fair + game",
        "AND",
    ],
)
async def test_a_search_in_any_syntax_finds_or_says_why_in_its_own_words(stocked, query: str) -> None:
    try:
        await queries.search(stocked, query)
    except queries.QueryError as exc:  # never the database's wording (fts5: syntax error, unknown special query)
        message = str(exc)
        assert "fts5" not in message and "special query" not in message and "syntax error" not in message
        assert "\n" not in message and message.endswith(".")


async def test_sources_mark_copies(stocked) -> None:
    listed = await queries.sources(stocked)
    assert [s.outlet for s in listed][-1] == "Ledger"
    copy = next(s for s in listed if s.outlet == "Courier Syndication")
    original = next(s for s in listed if s.outlet == "Courier")
    assert copy.copy_of == original.id and original.copy_of is None


async def test_timeline_in_date_order_once_per_claim(stocked) -> None:
    items = await queries.timeline(stocked)
    dates = [i.claimed_on for i in items]
    assert dates == sorted(dates)
    assert sum(1 for i in items if i.what == "more than 5,000 deployed") == 1
    window = await queries.timeline(stocked, since=dt.date(2025, 3, 10), until=dt.date(2025, 3, 11))
    assert {i.claimed_on for i in window} == {dt.date(2025, 3, 11)}


async def test_who_gives_role_affiliation_and_claims(stocked) -> None:
    result = await queries.who(stocked, "ruiz")
    assert result.profile is not None
    p = result.profile
    assert (p.entity.name, p.entity.role) == ("Alma Ruiz", "Defence Minister")
    assert [e.value for e in p.estimates] == [8000]
    assert len(p.quotes) == 2 and (p.quote_count, p.estimate_count) == (3, 2)  # a copy carries one quote and claim
    assert (p.first_claim, p.last_claim) == (dt.date(2025, 3, 3), dt.date(2025, 3, 12))
    nobody = await queries.who(stocked, "Zorro")
    assert nobody.profile is None and nobody.candidates == []


async def test_new_since_covers_only_later_facts(conn, write) -> None:
    await ingest_paths(conn, [str(write("1.txt", DAY1))])
    mark = dt.datetime.now(dt.UTC)
    assert (await queries.new_since(conn, mark)).empty
    await ingest_paths(conn, [str(write("10.txt", DAY10))])
    new = await queries.new_since(conn, mark)
    assert [s.outlet for s in new.sources] == ["Courier"]
    assert {e.value for e in new.estimates} == {5000, 8000}
    assert 3000 not in {e.value for e in new.estimates}
    with pytest.raises(ValueError):
        await queries.new_since(conn, dt.datetime(2025, 1, 1))  # noqa: DTZ001 - naive on purpose


async def test_the_picture_lists_the_most_recent_claimants_per_status_and_ranges_count_them_all(conn, write) -> None:
    firsts = ["Alma", "Piet", "Helga", "Omar", "Ingrid", "Tomas"]
    paths = []
    for n, (first, last) in enumerate((f, la) for la in ["Haller", "Brandt", "Lind"] for f in firsts):  # 18, a day each
        body = f"Analyst {first} {last} said about {(n + 1) * 100:,} soldiers had been deployed to the border."
        paths.append(write(f"{n}.txt", article(f"Outlet {n}", f"2025-04-{n + 1:02d}", body)))
    front = "Analyst Omar Said said up to 50 troops had reached the front line."
    paths.append(write("front.txt", article("Other", "2025-03-01", front)))
    await ingest_paths(conn, [str(p) for p in paths])

    pic = await queries.estimates(conn)

    deployed = [e for e in pic.latest if e.status == Status.deployed]
    assert len(deployed) == queries.LATEST_PER_STATUS
    assert [e.value for e in deployed] == [(n + 1) * 100 for n in range(17, 17 - queries.LATEST_PER_STATUS, -1)]
    assert [e.value for e in pic.latest if e.status == Status.frontline] == [50]  # not crowded out by newer ones
    (dep_range,) = [r for r in pic.ranges if r.status == Status.deployed]
    assert (dep_range.low, dep_range.high, dep_range.claimants) == (100, 1800, 18)


async def test_a_profile_shows_the_latest_quotes_and_counts_them_all(conn, write) -> None:
    paths = [
        write(
            f"{day}.txt",
            article("Ledger", f"2025-05-{day:02d}", f"“Statement {day} on the talks,” Envoy Ada Stone said."),
        )
        for day in range(1, 26)
    ]
    await ingest_paths(conn, [str(p) for p in paths])
    p = (await queries.who(conn, "Ada Stone")).profile
    assert p is not None and p.quote_count == 25
    assert [q.text for q in p.quotes] == [
        f"Statement {day} on the talks" for day in range(25, 25 - queries.PROFILE_ITEMS, -1)
    ]
    assert (p.first_claim, p.last_claim) == (dt.date(2025, 5, 1), dt.date(2025, 5, 25))


async def test_autocomplete_names_count_quotes_per_speaker_most_first(conn, write) -> None:
    body = """“We will not be drawn into this war,” Envoy Ada Stone said on Monday.
“The border is calm tonight,” Stone said.
“Nobody has crossed the river,” a senior official said."""
    await ingest_paths(conn, [str(write("a.txt", article("Ledger", "2025-05-02", body)))])
    names = await queries.speakers(conn)
    assert names[0] == ("Ada Stone", 2)
    assert [n for n, _ in names[1:]] == [q.speaker for q in await queries.quotes_by(conn, "official")]


async def test_copies_that_date_a_claim_differently_make_one_timeline_line(conn, write) -> None:
    body = """Vardia's defence ministry said on Monday that more than 5,000 soldiers had been deployed to the border.
“We are ready for whatever comes next,” Defence Minister Alma Ruiz said on Monday."""
    original = write("a.txt", article("Ledger", "2025-03-03", body))  # a Monday: the text's own day
    later = write("b.txt", article("Courier Syndication", "2025-03-12", body))  # "on Monday" is now the 10th
    await ingest_paths(conn, [str(original), str(later)])
    items = await queries.timeline(conn)
    claims = [(i.kind, i.who, i.value, i.text) for i in items]
    assert len(claims) == len(set(claims)) == 2
    assert {i.claimed_on for i in items} == {dt.date(2025, 3, 3)}  # the original's date
    assert {tuple(i.reported_by) for i in items} == {("Ledger", "Courier Syndication")}


async def test_the_original_report_wins_over_its_copies_and_rewrites_everywhere(conn) -> None:
    from briefings.answers.digest import build_digest

    await ingest_paths(conn, [str(SEEDS)])
    picture = await queries.estimates(conn)
    digest = await build_digest(conn, dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime.now(dt.UTC))
    latest = {(e.claimant, e.status, e.value): e for e in picture.latest}
    compared = 0
    for e in digest.new_estimates:
        if (e.claimant, e.status, e.value) in latest:
            same = latest[(e.claimant, e.status, e.value)]
            assert (e.number, e.claimed_on, e.date_basis) == (same.number, same.claimed_on, same.date_basis)
            compared += 1
    assert compared >= 5
    estimates = [*digest.new_estimates, *picture.latest]
    quotes = [
        *digest.notable_quotes,
        *(await queries.quotes_by(conn, "kirby")),
        *(await queries.quotes_by(conn, "yoon")),
    ]
    for table, facts in (("estimates", estimates), ("quotes", quotes)):
        for fact in facts:  # shown from a copy or a rewrite only when its original does not carry the claim
            ((key, source, root),) = await conn.fetch(
                f"SELECT f.claim_key, f.source_id, s.root_id FROM {table} AS f JOIN sources AS s ON s.id = f.source_id"
                " WHERE f.id = ?",
                (fact.id,),
            )
            if source != root:
                carried = await conn.fetch(f"SELECT 1 FROM {table} WHERE claim_key = ? AND source_id = ?", (key, root))
                assert not carried, (table, fact)
    # South Korea's 12,000, the ministry's as the original files it (the rewrite says "South Korea")
    (korea,) = [
        e for e in digest.new_estimates if e.value == 12_000 and e.status == "planned" and "Korea" in e.claimant
    ]
    assert (korea.number, korea.claimed_on) == ("12,000", dt.date(2024, 10, 24))  # not the rewrite's "about", undated
    assert korea.independent_sources == 1 and len(korea.reported_by) == 2


async def test_search_reads_the_same_syntax_and_forgives_case_and_accents_on_each_engine(conn, write) -> None:
    text = article(
        "Gazette",
        "2025-03-14",
        """“Sudža is calm tonight, and the convoy turned back,” Governor Ilse Varga said on Friday.
“The border crossing at Sumy stays closed,” Colonel Ömer Sağlam told reporters.""",
    )
    await ingest_paths(conn, [str(write("accents.txt", text))])

    async def found(query: str) -> list[str]:
        return sorted(h.who for h in await queries.search(conn, query))

    assert await found("sudza") == await found("SUDŽA") == ["Ilse Varga"]
    assert await found("omer saglam") == ["Ömer Sağlam"]  # the speaker's name is searched too
    assert await found('"convoy turned"') == ["Ilse Varga"]
    assert await found('"turned convoy"') == []  # a phrase is its words in order
    assert await found("conv*") == ["Ilse Varga"]
    assert await found("border NOT sumy") == []
    assert await found("calm OR closed") == ["Ilse Varga", "Ömer Sağlam"]
    assert await found("(calm OR closed) NOT (convoy OR varga)") == ["Ömer Sağlam"]
    (hit,) = await queries.search(conn, "sudza calm")
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Sudža", "calm"]


async def test_search_lists_a_claim_once_with_its_outlets_though_a_copy_words_it_otherwise(conn, write) -> None:
    original = article(
        "Ledger",
        "2025-03-12",
        """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border.
“The situation has changed and we must be ready,” Defence Minister Alma Ruiz said in a televised address on Tuesday.
Ruiz told parliament that 8,000 troops would be sent by April, and the reserves were being called up.""",
    )
    edited = article(  # the copy's editor turned a sentence around: the same claim, other words
        "Ledger Syndication",
        "2025-03-12T20:00:00+00:00",
        """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border, officials confirmed.
“The situation has changed and we must be ready,” Defence Minister Alma Ruiz said in a televised address on Tuesday.
Ruiz told parliament that 8,000 troops would be sent by April, and the reserves were being called up.""",
    )
    await ingest_paths(conn, [str(write("a.txt", original)), str(write("b.txt", edited))])
    hits = await queries.search(conn, "soldiers deployed")
    assert [(h.kind, h.who, h.source.outlet) for h in hits] == [("estimate", "Vardia's defence ministry", "Ledger")]
    assert (hits[0].reported_by, hits[0].independent_sources) == (["Ledger", "Ledger Syndication"], 1)
    (quote,) = await queries.search(conn, "situation changed")
    assert (quote.source.outlet, quote.reported_by) == ("Ledger", ["Ledger", "Ledger Syndication"])


async def test_a_name_of_several_words_or_part_of_one_finds_every_entity_it_fits(conn, write) -> None:
    from briefings.models import EntityKind, EntityRef
    from briefings.store.facts import upsert_entity

    text = article(
        "Ledger",
        "2025-05-06",
        """Teravia has sent about 3,000 soldiers to the front, the National Intelligence Service told lawmakers on Tuesday.
The Defense Intelligence Agency said on Wednesday that 4,500 troops had been deployed near the border.
Merun's military intelligence said 2,000 more troops would be sent by June.
The Merun Defense Ministry said on Thursday that 1,500 soldiers were deployed in the north.""",
    )
    await ingest_paths(conn, [str(write("a.txt", text))])
    # a body named somewhere with nothing said or claimed: never picked over those with numbers
    async with conn.transaction() as tx:
        await upsert_entity(tx, EntityRef(name="intelligence authorities", kind=EntityKind.body), "2025-05-06")

    async def profile(name: str) -> str | None:
        found = await queries.who(conn, name)
        return found.profile.entity.name if found.profile else None

    assert await profile("National Intelligence") == "National Intelligence Service"
    assert await profile("Defense Ministry") == "Merun Defense Ministry"
    assert await profile("defense intel") == "Defense Intelligence Agency"
    listed = await queries.who(conn, "Intelligence")
    agencies = ["Defense Intelligence Agency", "Merun's military intelligence", "National Intelligence Service"]
    assert listed.profile is None and sorted(c.name for c in listed.candidates) == agencies
    with pytest.raises(queries.AmbiguousName) as ambiguous:
        await queries.estimates(conn, claimant="Intelligence")
    assert sorted(ambiguous.value.names) == agencies
    (merun,) = (await queries.estimates(conn, claimant="military intelligence")).latest
    assert (merun.claimant, merun.value) == ("Merun's military intelligence", 2000)
