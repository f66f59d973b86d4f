"""Pages of embeds behind Previous/Next buttons that only the asker can press, and that outlive the process.

The buttons are persistent components: each one's custom_id carries what its page needs (which list,
the page it leads to, who asked, and the command's arguments), and a press rebuilds that page from
the store. So a press works after a restart and long after the command's own token has expired,
and nothing is held in memory per message, nothing times out, nothing has to be disabled later.
Arguments too long for Discord's 100-character custom_id are kept in memory instead; after a
restart, a press on such a list says that it expired and takes the buttons away.

Pages may come all at once, or from a source that builds them as the asker turns to them: a
command over thousands of rows then reads one page's worth, not twenty-five.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord

from bot.render import MAX_PAGES, PAGE_ITEMS

if TYPE_CHECKING:
    from bot.client import BriefingsBot

log = logging.getLogger(__name__)

CUSTOM_ID_MAX = 100  # Discord's limit
KEPT_MAX = 4096  # lists whose arguments live in memory, newest kept
EXPIRED = "This list has expired; run the command again to browse it."
NOT_YOURS = "Only the person who asked can turn these pages; run the command yourself to browse."

T = TypeVar("T")

# given how many pages are wanted: at least that many pages (when there are), and whether that is all
PageSource = Callable[[int], Awaitable[tuple[list[discord.Embed], bool]]]
# the same for a kind of list, from the interaction and the command's arguments
PageMaker = Callable[[discord.Interaction, list[Any], int], Awaitable[tuple[list[discord.Embed], bool]]]


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


# which list, the page a button leads to, who asked, and the command's arguments (JSON, or #key)
PAGE_ID = re.compile(r"page:(?P<kind>[a-z]+):(?P<page>\d+):(?P<owner>\d+):(?P<args>.*)")


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_ID):
    """Previous or Next: the page it leads to, and what that page is built from."""

    def __init__(self, kind: str, page: int, owner: int, args: str, *, label: str, emoji: str, disabled: bool) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"page:{kind}:{page}:{owner}:{args}",
            )
        )
        self.kind, self.page, self.owner, self.args = kind, page, owner, args

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        button = cast("discord.ui.Button[Any]", item)
        return cls(
            match["kind"],
            int(match["page"]),
            int(match["owner"]),
            match["args"],
            label=button.label or "",
            emoji=str(button.emoji or ""),
            disabled=button.disabled,
        )

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.user.id == self.owner:
            return True
        await interaction.response.send_message(
            NOT_YOURS, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
        return False

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("BriefingsBot", interaction.client)
        try:
            await bot.pages.turn(interaction, self.kind, self.page, self.owner, self.args)
        except Exception as exc:  # discord.py would only log it: the presser hears of it too
            await bot.explain(interaction, exc)


class OldPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"[0-9a-f]{32}"):
    """A page button an earlier version made (discord.py's random custom_id, its state long gone):
    a press says the list expired and takes the buttons away, instead of failing."""

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="Next", custom_id=custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OldPageButton:
        return cls(match.group(0))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=EXPIRED, view=None)


class Pages:
    """The bot's paged lists: how each kind builds its pages, and arguments too long to carry."""

    def __init__(self) -> None:
        self.makers: dict[str, PageMaker] = {}
        self._kept: OrderedDict[str, list[Any]] = OrderedDict()

    def register(self, kind: str, maker: PageMaker) -> None:
        self.makers[kind] = maker

    def carried(self, kind: str, owner: int, args: list[Any]) -> str:
        """The arguments as the custom_id carries them: as JSON when they fit, else a key to memory."""
        text = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
        if len(f"page:{kind}:{MAX_PAGES}:{owner}:{text}") <= CUSTOM_ID_MAX:
            return text
        key = "#" + hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        self._kept[key] = args
        self._kept.move_to_end(key)
        while len(self._kept) > KEPT_MAX:
            self._kept.popitem(last=False)
        return key

    def arguments(self, carried: str) -> list[Any] | None:
        """The arguments back, or None when they were kept by a process that is gone."""
        if carried.startswith("#"):
            return self._kept.get(carried)
        try:
            args = json.loads(carried)
        except ValueError:
            return None
        return args if isinstance(args, list) else None

    def view(self, kind: str, owner: int, carried: str, index: int, count: int, complete: bool) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(
            PageButton(kind, max(0, index - 1), owner, carried, label="Previous", emoji="◀️", disabled=index == 0)
        )
        view.add_item(
            PageButton(
                kind, index + 1, owner, carried, label="Next", emoji="▶️", disabled=index >= count - 1 and complete
            )
        )
        return view

    async def turn(self, interaction: discord.Interaction, kind: str, page: int, owner: int, carried: str) -> None:
        maker = self.makers.get(kind)
        args = self.arguments(carried)
        if maker is None or args is None:
            await interaction.response.edit_message(content=EXPIRED, view=None)
            return
        async with cast("BriefingsBot", interaction.client).answering(interaction):
            pages, complete = await maker(interaction, args, page + 1)
            index = max(0, min(len(pages) - 1, page))
            view = self.view(kind, owner, carried, index, len(pages), complete)
            if interaction.response.is_done():  # acknowledged first: the bot was busy
                await interaction.edit_original_response(embed=pages[index], view=view)
            else:
                await interaction.response.edit_message(embed=pages[index], view=view)


async def send_pages(
    interaction: discord.Interaction,
    pages: list[discord.Embed],
    *,
    kind: str | None = None,
    args: list[Any] | None = None,
    complete: bool = True,
    file: discord.File | None = None,
    ephemeral: bool = False,
) -> None:
    """Send the first page, with buttons when there are more (or may be more); works before or after
    a defer. `kind` and `args` name the list so that a press can rebuild any page of it."""
    kwargs: dict[str, Any] = {"embed": pages[0], "allowed_mentions": discord.AllowedMentions.none()}
    if kind is not None and (len(pages) > 1 or not complete):
        book = cast("BriefingsBot", interaction.client).pages
        carried = book.carried(kind, interaction.user.id, args or [])
        kwargs["view"] = book.view(kind, interaction.user.id, carried, 0, len(pages), complete)
    if file is not None:
        kwargs["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    interaction.extras["answered"] = True
