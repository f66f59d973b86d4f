"""Pages of embeds behind Previous/Next buttons that only the asker can press, and that expire.

Pages may come all at once, or from a source that builds them as the asker turns to them: a
command over thousands of rows then reads one page's worth, not twenty-five.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar, cast

import discord

from bot.render import MAX_PAGES, PAGE_ITEMS

if TYPE_CHECKING:
    from bot.client import BriefingsBot

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 300.0


T = TypeVar("T")

# given how many pages are wanted: at least that many pages (when there are), and whether that is all
PageSource = Callable[[int], Awaitable[tuple[list[discord.Embed], bool]]]


def page_source(
    fetch: Callable[[int], Awaitable[Sequence[T]]], build: Callable[[Sequence[T], bool], list[discord.Embed]]
) -> PageSource:
    """Pages from the first items only: `fetch(n)` returns at most n items in display order, and
    `build(items, more)` lays them out (`more`: items exist beyond these)."""

    async def source(wanted: int) -> tuple[list[discord.Embed], bool]:
        wanted = max(1, min(wanted, MAX_PAGES))
        # a page holds at most PAGE_ITEMS, so one page more of items settles the wanted pages' content
        limit = MAX_PAGES * PAGE_ITEMS if wanted == MAX_PAGES else (wanted + 1) * PAGE_ITEMS
        items = await fetch(limit + 1)
        more = len(items) > limit
        pages = build(items[:limit], more)
        if more and wanted < MAX_PAGES:
            return pages[:wanted], False
        return pages, True

    return source


class Pager(discord.ui.View):
    def __init__(
        self,
        pages: list[discord.Embed],
        owner_id: int,
        *,
        source: PageSource | None = None,
        timeout: float | None = None,
    ) -> None:
        super().__init__(timeout=PAGE_TIMEOUT if timeout is None else timeout)
        self.pages = pages
        self.source = source  # None once every page is here
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.Message | discord.WebhookMessage | None = None
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1 and self.source is None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages; run the command yourself to browse.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        return False

    async def _show(self, interaction: discord.Interaction, step: int) -> None:
        async with cast("BriefingsBot", interaction.client).answering(interaction):
            wanted = self.index + step
            if wanted >= len(self.pages) and self.source is not None:
                self.pages, complete = await self.source(wanted + 1)
                if complete:
                    self.source = None
            self.index = max(0, min(len(self.pages) - 1, wanted))
            self._sync()
            if interaction.response.is_done():  # acknowledged first: the bot was busy
                await interaction.edit_original_response(embed=self.pages[self.index], view=self)
            else:
                await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, +1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException as exc:  # the message may be gone; the pages simply expire
                log.info("could not disable expired page buttons: %s", exc)
