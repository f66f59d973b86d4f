"""/feeds add | list | remove | resume: following outlets' feeds (Manage Server).

The feeds are one list for every server the bot is in, so they belong to the deployment: any
server's admins see them (`/feeds list`), but only the application's owner (or its team's admins and
developers, as discord.py's `is_owner` counts them) and the admins of the servers BRIEFINGS_ADMIN_GUILDS
names may change them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.common import NO_MENTIONS, UserInputError
from bot.paging import send_pages
from briefings.answers.commands import pick_stories
from briefings.sources import feeds
from briefings.words import plural

if TYPE_CHECKING:
    from bot.client import BriefingsBot


class Feeds(commands.Cog):
    group = app_commands.Group(
        name="feeds",
        description="Follow outlets' feeds for new articles",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: BriefingsBot) -> None:
        self.bot = bot
        bot.pages.register("feeds", self._list_pages)

    @group.command(name="add", description="Follow an RSS or Atom feed")
    @app_commands.describe(
        url="the feed's address",
        every="minutes between polls (default 30)",
        story="the stories it feeds, separated by commas (default: the default story)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        url: str,
        every: app_commands.Range[int, 5, 10080] = 30,
        story: str | None = None,
    ) -> None:
        await self._may_change(interaction)
        fed = tuple(s.name for s in pick_stories(self.bot.stories, story))
        try:
            feeds.check_address(url, every)  # refused at once; fetching and reading the feed takes longer
            await interaction.response.defer(ephemeral=True, thinking=True)
            feed = await self.bot.feeds.poller.follow(
                url, every_minutes=every, now=self.bot.digests.clock(), stories=fed
            )
        except feeds.FetchError as exc:
            reason = str(exc)
            raise UserInputError(f"{reason[:1].upper()}{reason[1:]}.") from None
        self.bot.feeds.start(feed.id)  # later polls: the sweep, when it is due
        await interaction.followup.send(
            f"Following feed {feed.id} for {render.safe(', '.join(fed))} every {feed.every_minutes} minutes; "
            "the first poll runs now. "
            "`/feeds list` shows how it goes.",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        interaction.extras["answered"] = True

    @add.autocomplete("story")
    async def _story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.bot.story_choices(current)

    @group.command(name="list", description="Feeds with last success, last error and articles taken")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        pages, complete = await self._list_pages(interaction, [], 1)
        await send_pages(interaction, pages, kind="feeds", args=[], complete=complete, ephemeral=True)

    async def _list_pages(
        self, interaction: discord.Interaction, args: list, wanted: int
    ) -> tuple[list[discord.Embed], bool]:
        if not interaction.permissions.manage_guild:  # a page turned later, too
            raise app_commands.MissingPermissions(["manage_guild"])
        entries = []
        for f in await feeds.list_feeds(self.bot.conn):
            state = (
                f"**Paused**: {render.safe(f.paused_reason)}"
                if f.paused_reason
                else (f"Last error: {render.safe(f.last_error)}" if f.last_error else "Healthy")
            )
            entries.append(
                f"**{f.id}.** {render.safe(f.title or f.url)} · every {f.every_minutes} min"
                f" · feeds {render.safe(', '.join(f.stories))}\n"
                f"{plural(f.articles_taken, 'article')} taken, {plural(f.entries_failed, 'entry', 'entries')} "
                f"failed; last success "
                f"{discord.utils.format_dt(dt.datetime.fromisoformat(f.last_success), 'f') if f.last_success else 'never'}\n{state}"
            )
        if await self._may(interaction):
            return render.paginate("Feeds", entries, empty="No feeds: `/feeds add` follows one."), True
        shared = "Shared by every server this bot is in; only its owner changes them"
        return render.paginate("Feeds", entries, empty="No feeds yet.", footer=shared), True

    @group.command(name="remove", description="Stop following a feed")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, id: int) -> None:
        await self._may_change(interaction)
        if not await feeds.remove_feed(self.bot.conn, id):
            raise _no_feed(id)
        await interaction.response.send_message(f"Feed {id} removed.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    @group.command(name="resume", description="Resume a paused feed")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def resume(self, interaction: discord.Interaction, id: int) -> None:
        await self._may_change(interaction)
        if not await feeds.resume_feed(self.bot.conn, id):
            raise _no_feed(id)
        await interaction.response.send_message(f"Feed {id} resumed.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _may(self, interaction: discord.Interaction) -> bool:
        """May this user change the shared feeds here: the deployment's owner, or an admin server."""
        return interaction.guild_id in self.bot.settings.admin_guild_ids or await self.bot.is_owner(interaction.user)

    async def _may_change(self, interaction: discord.Interaction) -> None:
        """Refuse a change of the shared feeds from anyone but the deployment's owner or admin servers."""
        if await self._may(interaction):
            return
        raise UserInputError(
            "The feeds are shared by every server this bot is in, so only its owner can change them; "
            "`/feeds list` shows them."
        )


def _no_feed(id: int) -> UserInputError:
    return UserInputError(f"There is no feed {id}; `/feeds list` shows them.")


async def setup(bot: BriefingsBot) -> None:
    await bot.add_cog(Feeds(bot))
