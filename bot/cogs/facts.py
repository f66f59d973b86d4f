"""The fact commands: /estimate, /quote, /search, /sources, /timeline, /who, /about."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.chart import worth_drawing
from bot.common import UserInputError
from bot.paging import page_source, send_pages
from briefings.answers import queries
from briefings.answers.commands import COMMANDS, parse_day, pick_story, status_of
from briefings.answers.queries import story_picture

if TYPE_CHECKING:
    from bot.client import BriefingsBot

log = logging.getLogger(__name__)

STORY = COMMANDS["estimate"].option("story").description  # type: ignore[union-attr]


Pages = tuple[list[discord.Embed], bool]


class Facts(commands.Cog):
    def __init__(self, bot: BriefingsBot) -> None:
        self.bot = bot
        # how each list's pages are built, for the command and for a press of its buttons
        bot.pages.register("quote", self._quote_pages)
        bot.pages.register("search", self._search_pages)
        bot.pages.register("sources", self._source_pages)
        bot.pages.register("timeline", self._timeline_pages)
        bot.pages.register("who", self._who_pages)

    async def _quote_pages(self, interaction: discord.Interaction, args: list, wanted: int) -> Pages:
        speaker, contains = args
        source = page_source(
            lambda n: queries.quotes_by(self.bot.conn, speaker, contains=contains, limit=n),
            lambda items, more: render.quote_pages(items, speaker, more=more),
        )
        return await source(wanted)  # later pages are read when the asker turns to them

    async def _search_pages(self, interaction: discord.Interaction, args: list, wanted: int) -> Pages:
        text, story = [*args, None][:2]  # pages of an answer given before stories name none
        name = pick_story(self.bot.stories, story).name
        return render.search_pages(await queries.search(self.bot.conn, text, story=name, limit=100), text), True

    async def _source_pages(self, interaction: discord.Interaction, args: list, wanted: int) -> Pages:
        story = args[0] if args else None
        name = pick_story(self.bot.stories, story).name if story else None
        return render.source_pages(await queries.sources(self.bot.conn, story=name)), True

    async def _timeline_pages(self, interaction: discord.Interaction, args: list, wanted: int) -> Pages:
        start, end, story = [*args, None][:3]
        name = pick_story(self.bot.stories, story).name
        since = parse_day(start, "from") if start and start.strip() else None
        until = parse_day(end, "to") if end and end.strip() else None
        if since and until and since > until:
            raise UserInputError("'from' is after 'to'; swap them.")
        return render.timeline_pages(await queries.timeline(self.bot.conn, story=name, since=since, until=until)), True

    async def _who_pages(self, interaction: discord.Interaction, args: list, wanted: int) -> Pages:
        (name,) = args
        return render.who_pages(await queries.who(self.bot.conn, name), name), True

    async def _everyone(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        await self.bot.names.refresh_if_changed(self.bot.conn)
        return [app_commands.Choice(name=n, value=n) for n in self.bot.names.everyone(current)]

    async def _speakers(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        await self.bot.names.refresh_if_changed(self.bot.conn)
        return [app_commands.Choice(name=n, value=n) for n in self.bot.names.speakers(current)]

    async def _story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.bot.story_choices(current)

    @app_commands.command(description="How many, says who, since when: a story's latest numbers and who moved")
    @app_commands.describe(
        status="what the number counts (the story's statuses)",
        claimant="only this claimant (part of a name is enough)",
        story=STORY,
    )
    async def estimate(
        self,
        interaction: discord.Interaction,
        status: str | None = None,
        claimant: str | None = None,
        story: str | None = None,
    ) -> None:
        chosen = pick_story(self.bot.stories, story)  # a story or status it lacks: one sentence, before anything
        wanted = status_of(chosen, status)
        await interaction.response.defer(thinking=True)  # a chart may take a moment
        async with self.bot.answering(interaction):
            picture = await story_picture(self.bot.conn, chosen, status=wanted, claimant=claimant)
            file = None
            note = None
            if worth_drawing(picture):
                if interaction.app_permissions.attach_files:
                    png = await self.bot.charts.png(picture)
                    file = discord.File(io.BytesIO(png), filename="estimates.png")
                else:
                    note = "chart left out: I lack the Attach Files permission here"
            embed = render.estimate_embed(picture, chart_note=note)
            if file is not None:
                embed.set_image(url="attachment://estimates.png")
            await send_pages(interaction, [embed], file=file)

    @estimate.autocomplete("claimant")
    async def _estimate_claimant(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._everyone(interaction, current)

    @estimate.autocomplete("status")
    async def _estimate_status(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return self.bot.status_choices(interaction, current)

    @estimate.autocomplete("story")
    async def _estimate_story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._story(interaction, current)

    @app_commands.command(description="What someone said, newest first")
    @app_commands.describe(speaker="who said it (part of a name is enough)", contains="only quotes with these words")
    async def quote(self, interaction: discord.Interaction, speaker: str, contains: str | None = None) -> None:
        await self._answer(interaction, "quote", [speaker, contains])

    @quote.autocomplete("speaker")
    async def _quote_speaker(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._speakers(interaction, current)

    @app_commands.command(description="Search quotes and claims")
    @app_commands.describe(text='words to find; "exact phrase", OR and NOT work too', story=STORY)
    async def search(self, interaction: discord.Interaction, text: str, story: str | None = None) -> None:
        pick_story(self.bot.stories, story)
        await self._answer(interaction, "search", [text, story])

    @search.autocomplete("story")
    async def _search_story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._story(interaction, current)

    @app_commands.command(description="The articles behind the facts, with their stories, copies and rewrites marked")
    @app_commands.describe(story="only this story's articles")
    async def sources(self, interaction: discord.Interaction, story: str | None = None) -> None:
        if story:
            pick_story(self.bot.stories, story)
        await self._answer(interaction, "sources", [story])

    @sources.autocomplete("story")
    async def _sources_story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._story(interaction, current)

    @app_commands.command(description="A story's dated claims in order")
    @app_commands.rename(start="from", end="to")
    @app_commands.describe(start="first day, like 2024-10-20", end="last day, like 2024-11-05", story=STORY)
    async def timeline(
        self,
        interaction: discord.Interaction,
        start: str | None = None,
        end: str | None = None,
        story: str | None = None,
    ) -> None:
        pick_story(self.bot.stories, story)
        await self._answer(interaction, "timeline", [start, end, story])

    @timeline.autocomplete("story")
    async def _timeline_story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._story(interaction, current)

    @app_commands.command(description="A person's or body's role, affiliation and claims")
    @app_commands.describe(name="part of a name is enough")
    async def who(self, interaction: discord.Interaction, name: str) -> None:
        await self._answer(interaction, "who", [name])

    @who.autocomplete("name")
    async def _who_name(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._everyone(interaction, current)

    @app_commands.command(description="What this bot is and what it holds")
    async def about(self, interaction: discord.Interaction) -> None:
        async with self.bot.answering(interaction):
            await send_pages(interaction, [render.about_embed(await self.bot.stats(), self.bot.stories)])

    async def _answer(self, interaction: discord.Interaction, kind: str, args: list) -> None:
        """The first page of a list, with buttons that can rebuild any of its pages."""
        async with self.bot.answering(interaction):
            pages, complete = await self.bot.pages.makers[kind](interaction, args, 1)
            await send_pages(interaction, pages, kind=kind, args=args, complete=complete)


async def setup(bot: BriefingsBot) -> None:
    await bot.add_cog(Facts(bot))
