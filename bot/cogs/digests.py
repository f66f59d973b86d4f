"""/digest subscribe | list | unsubscribe | resume | now.

Discord gives a command group one set of default permissions, and /digest now is for everyone, so
the group has none; the managing subcommands require Manage Server in code (has_permissions), which
the one error path turns into a clear refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.client import NO_MENTIONS, UserInputError
from briefings import subscriptions as subs
from briefings.commands import CommandError, parse_moment
from briefings.digest import build_digest
from briefings.models import Status

if TYPE_CHECKING:
    from bot.client import BriefingsBot

StatusChoice = Literal["planned", "deployed", "frontline", "casualties"]
ZONES = sorted(available_timezones())
EVERY_CHOICES = ["day", "week", "1 hour", "3 hours", "6 hours", "12 hours"]


def _user_error(exc: subs.SubscriptionError | CommandError) -> UserInputError:
    return UserInputError(str(exc))


class Digests(commands.Cog):
    digest = app_commands.Group(name="digest", description="Scheduled briefings of what is new", guild_only=True)

    def __init__(self, bot: BriefingsBot) -> None:
        self.bot = bot

    @digest.command(name="subscribe", description="Post a briefing of what is new to a channel on a schedule")
    @app_commands.describe(
        channel="where to post",
        time="local time of day, like 08:00",
        timezone="IANA time zone, like Europe/Berlin",
        every="day, week, or a number of hours",
        status="only numbers of this kind",
        no_news="post a short line even when nothing is new",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        every: str | None = None,
        status: StatusChoice | None = None,
        no_news: bool = False,
    ) -> None:
        assert interaction.guild_id is not None
        try:
            sub = await subs.subscribe(
                self.bot.conn,
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                at=time,
                timezone=timezone,
                every=every,
                status=Status(status) if status else None,
                no_news_line=no_news,
                created_by=interaction.user.id,
                now=self.bot.digests.clock(),
            )
        except subs.SubscriptionError as exc:
            raise _user_error(exc) from None
        await self.bot.digests.reschedule()
        upcoming = subs.next_slot(sub, self.bot.digests.clock()).astimezone(dt.UTC)
        text = (
            f"Subscription {sub.id}: {channel.mention} gets a briefing {sub.cadence} ({sub.timezone})"
            f"{' of ' + sub.status.value + ' numbers' if sub.status else ''}. "
            f"The first covers what is stored from now on; next <t:{int(upcoming.timestamp())}:F>."
        )
        await interaction.response.send_message(text, allowed_mentions=NO_MENTIONS)

    @subscribe.autocomplete("timezone")
    async def _zones(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        key = current.strip().lower().replace(" ", "_")
        found = [z for z in ZONES if key in z.lower()][:25]
        return [app_commands.Choice(name=z, value=z) for z in found]

    @subscribe.autocomplete("every")
    async def _every(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=e, value=e) for e in EVERY_CHOICES if current.lower() in e]

    @digest.command(name="list", description="This server's digest subscriptions and their state")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        items = await subs.all_subscriptions(self.bot.conn, interaction.guild_id)
        entries = []
        for s in items:
            if s.paused_reason:
                state = f"**Paused**: {render.safe(s.paused_reason)}. `/digest resume {s.id}` after fixing it."
            elif s.last_error:
                state = (
                    f"Retrying after {s.failures} failure{'s' if s.failures != 1 else ''}: {render.safe(s.last_error)}"
                )
            else:
                last = f"<t:{int(s.last_delivery.timestamp())}:R>" if s.last_delivery else "not yet"
                state = f"Last delivered {last}."
            entries.append(
                f"**{s.id}.** <#{s.channel_id}>: {s.cadence} ({s.timezone})"
                f"{', ' + s.status.value + ' only' if s.status else ''}\n{state}"
            )
        pages = render.paginate(
            "Digest subscriptions", entries, empty="No subscriptions: `/digest subscribe` adds one."
        )
        await interaction.response.send_message(embed=pages[0], ephemeral=True, allowed_mentions=NO_MENTIONS)

    @digest.command(name="unsubscribe", description="Stop a digest subscription")
    @app_commands.describe(id="the number /digest list shows")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def unsubscribe(self, interaction: discord.Interaction, id: int) -> None:
        assert interaction.guild_id is not None
        if not await subs.unsubscribe(self.bot.conn, interaction.guild_id, id):
            raise _no_subscription(id)
        await self.bot.digests.reschedule()
        await interaction.response.send_message(f"Subscription {id} stopped.", allowed_mentions=NO_MENTIONS)

    @digest.command(name="resume", description="Resume a paused digest subscription")
    @app_commands.describe(id="the number /digest list shows")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def resume(self, interaction: discord.Interaction, id: int) -> None:
        assert interaction.guild_id is not None
        if not await subs.resume(self.bot.conn, interaction.guild_id, id):
            raise _no_subscription(id)
        await interaction.response.send_message(f"Subscription {id} resumed.", allowed_mentions=NO_MENTIONS)

    @digest.command(name="now", description="What is new since a moment, for your eyes only")
    @app_commands.describe(since="2024-10-24, 2024-10-24T08:00, or 12h / 2d ago (default: a day ago)")
    async def now(self, interaction: discord.Interaction, since: str | None = None) -> None:
        until = self.bot.digests.clock()
        try:
            start = parse_moment(since, "since", until) if since else until - dt.timedelta(days=1)
        except CommandError as exc:
            raise _user_error(exc) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest = await build_digest(self.bot.conn, start, until)
        for embeds in render.digest_messages(digest, marker="asked with /digest now"):
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True


def _no_subscription(id: int) -> UserInputError:
    return UserInputError(f"There is no subscription {id} in this server; `/digest list` shows them.")


async def setup(bot: BriefingsBot) -> None:
    await bot.add_cog(Digests(bot))
