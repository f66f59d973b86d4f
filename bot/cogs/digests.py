"""/digest subscribe | list | unsubscribe | resume | now.

Discord gives a command group one set of default permissions, and /digest now is for everyone, so
the group has none; the managing subcommands require Manage Server in code (has_permissions), which
the one error path turns into a clear refusal.

A subcommand that changes a subscription checks what it can first (the input, the bot's permissions
in the channel, that the subscription exists), then acknowledges the interaction, and only once
Discord has accepted that changes the store and says what it did in a follow-up: an interaction that
came too late to be answered changes nothing, so a retry cannot make a second subscription. Nothing
is delivered on the way: the subscription's job is added or removed, the scheduler does the rest.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.common import NO_MENTIONS, UserInputError, permission_names
from bot.digests import missing_in
from bot.paging import send_pages
from briefings.answers import subscriptions as subs
from briefings.answers.commands import COMMANDS, CommandError, parse_moment, pick_story, status_of
from briefings.answers.digest import build_digest

if TYPE_CHECKING:
    from bot.client import BriefingsBot

STORY = COMMANDS["digest"].option("story").description  # type: ignore[union-attr]
ZONES = sorted(available_timezones())
EVERY_CHOICES = ["day", "week", "1 hour", "3 hours", "6 hours", "12 hours"]


def _user_error(exc: subs.SubscriptionError | CommandError) -> UserInputError:
    return UserInputError(str(exc))


class Digests(commands.Cog):
    digest = app_commands.Group(name="digest", description="Scheduled briefings of what is new", guild_only=True)

    def __init__(self, bot: BriefingsBot) -> None:
        self.bot = bot
        bot.pages.register("subs", self._list_pages)

    @digest.command(name="subscribe", description="Post a briefing of what is new to a channel on a schedule")
    @app_commands.describe(
        channel="where to post",
        time="local time of day, like 08:00",
        timezone="IANA time zone, like Europe/Berlin",
        every="day, week, or a number of hours",
        status="only numbers of this kind (the story's statuses)",
        no_news="post a short line even when nothing is new",
        story="the story it briefs on (the default one when left out)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str,
        every: str | None = None,
        status: str | None = None,
        no_news: bool = False,
        story: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        chosen = pick_story(self.bot.stories, story)  # a story, or a status it lacks: one sentence, before anything
        wanted = status_of(chosen, status)
        try:  # everything that can be refused is refused before anything changes
            subs.parse_time(time)
            subs.parse_zone(timezone)
            subs.parse_every(every)
        except subs.SubscriptionError as exc:
            raise _user_error(exc) from None
        perms = channel.permissions_for(channel.guild.me)
        missing = missing_in(channel) or []
        if missing:
            many = len(missing) > 1
            raise UserInputError(
                f"I cannot post digests in {channel.mention}: I need the {permission_names(missing)} "
                f"permission{'s' if many else ''} there. Grant {'them' if many else 'it'} in the channel's "
                "settings, then subscribe again."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)  # an admin's confirmation: theirs alone
        try:
            sub = await subs.subscribe(
                self.bot.conn,
                guild_id=interaction.guild_id,
                channel_id=channel.id,
                at=time,
                timezone=timezone,
                every=every,
                story=chosen.name,
                status=wanted,
                no_news_line=no_news,
                created_by=interaction.user.id,
                now=self.bot.digests.clock(),
            )
        except subs.SubscriptionError as exc:
            raise _user_error(exc) from None
        self.bot.digests.schedule(sub)
        upcoming = subs.next_slot(sub, self.bot.digests.clock()).astimezone(dt.UTC)
        text = (
            f"Subscription {sub.id}: {channel.mention} gets a briefing on {render.safe(chosen.title)} "
            f"{sub.cadence} ({sub.timezone})"
            f"{' of ' + render.safe(chosen.status(sub.status).label) + ' numbers' if sub.status else ''}. "
            f"The first covers what is stored from now on; next <t:{int(upcoming.timestamp())}:F>."
        )
        if not perms.read_message_history:
            text += (
                f" Give me Read Message History in {channel.mention} too: with it, a digest cut short by a "
                "restart is never posted twice."
            )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True

    @subscribe.autocomplete("timezone")
    async def _zones(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        key = current.strip().lower().replace(" ", "_")
        found = [z for z in ZONES if key in z.lower()][:25]
        return [app_commands.Choice(name=z, value=z) for z in found]

    @subscribe.autocomplete("story")
    async def _story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.bot.story_choices(current)

    @subscribe.autocomplete("status")
    async def _status(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return self.bot.status_choices(interaction, current)

    @subscribe.autocomplete("every")
    async def _every(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=e, value=e) for e in EVERY_CHOICES if current.lower() in e]

    @digest.command(name="list", description="This server's digest subscriptions and their state")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def list_(self, interaction: discord.Interaction) -> None:
        pages, complete = await self._list_pages(interaction, [], 1)
        await send_pages(interaction, pages, kind="subs", args=[], complete=complete, ephemeral=True)

    async def _list_pages(
        self, interaction: discord.Interaction, args: list, wanted: int
    ) -> tuple[list[discord.Embed], bool]:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:  # a page turned later, too
            raise app_commands.MissingPermissions(["manage_guild"])
        items = await subs.all_subscriptions(self.bot.conn, interaction.guild_id)
        entries = []
        for s in items:
            if s.paused_reason and self.bot.get_channel(s.channel_id) is None:
                state = f"**Paused**: {render.safe(s.paused_reason)}. `/digest unsubscribe {s.id}` stops it."
            elif s.paused_reason:
                state = f"**Paused**: {render.safe(s.paused_reason)}. `/digest resume {s.id}` after fixing it."
            elif s.last_error:
                state = (
                    f"Retrying after {s.failures} failure{'s' if s.failures != 1 else ''}: {render.safe(s.last_error)}"
                )
            else:
                last = f"<t:{int(s.last_delivery.timestamp())}:R>" if s.last_delivery else "not yet"
                state = f"Last delivered {last}."
            entries.append(
                f"**{s.id}.** <#{s.channel_id}>: {render.safe(s.story)}, {s.cadence} ({s.timezone})"
                f"{', ' + render.safe(s.status) + ' only' if s.status else ''}\n{state}"
            )
        pages = render.paginate(
            "Digest subscriptions", entries, empty="No subscriptions: `/digest subscribe` adds one."
        )
        return pages, True

    @digest.command(name="unsubscribe", description="Stop a digest subscription")
    @app_commands.describe(id="the number /digest list shows")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def unsubscribe(self, interaction: discord.Interaction, id: int) -> None:
        await self._change(interaction, id)
        if not await subs.unsubscribe(self.bot.conn, interaction.guild_id or 0, id):
            raise _no_subscription(id)
        self.bot.digests.unschedule(id)
        await interaction.followup.send(f"Subscription {id} stopped.", ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True

    @digest.command(name="resume", description="Resume a paused digest subscription")
    @app_commands.describe(id="the number /digest list shows")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def resume(self, interaction: discord.Interaction, id: int) -> None:
        sub = await subs.get(self.bot.conn, id)
        if sub is not None and sub.guild_id == interaction.guild_id and self.bot.get_channel(sub.channel_id) is None:
            raise UserInputError(
                f"Subscription {id}'s channel is gone: `/digest subscribe` another channel and "
                f"`/digest unsubscribe {id}` this one."
            )
        await self._change(interaction, id)
        if not await subs.resume(self.bot.conn, interaction.guild_id or 0, id):
            raise _no_subscription(id)
        await interaction.followup.send(f"Subscription {id} resumed.", ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True

    async def _change(self, interaction: discord.Interaction, id: int) -> None:
        """Before changing subscription `id`: refuse one this server does not have, then acknowledge."""
        sub = await subs.get(self.bot.conn, id)
        if sub is None or sub.guild_id != interaction.guild_id:
            raise _no_subscription(id)
        await interaction.response.defer(ephemeral=True, thinking=True)

    @digest.command(name="now", description="What is new since a moment, for your eyes only")
    @app_commands.describe(since="2024-10-24, 2024-10-24T08:00, or 12h / 2d ago (default: a day ago)", story=STORY)
    async def now(self, interaction: discord.Interaction, since: str | None = None, story: str | None = None) -> None:
        chosen = pick_story(self.bot.stories, story)
        until = self.bot.digests.clock()
        try:
            start = parse_moment(since, "since", until) if since else until - dt.timedelta(days=1)
        except CommandError as exc:
            raise _user_error(exc) from None
        if start >= until:
            raise UserInputError(f"'{since}' is in the future; give a moment before now, like 12h or 2024-10-24.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest = await build_digest(self.bot.conn, start, until, story=chosen)
        for embeds in render.digest_messages(digest, marker="asked with /digest now"):
            await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True

    @now.autocomplete("story")
    async def _now_story(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self.bot.story_choices(current)


def _no_subscription(id: int) -> UserInputError:
    return UserInputError(f"There is no subscription {id} in this server; `/digest list` shows them.")


async def setup(bot: BriefingsBot) -> None:
    await bot.add_cog(Digests(bot))
