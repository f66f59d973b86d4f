"""What the bot's modules share, below the client that assembles them: the mention policy, the error
for a bad input, and how permissions are named. The client and the cogs both import it; it imports
neither."""

from __future__ import annotations

import discord
from discord import app_commands

NO_MENTIONS = discord.AllowedMentions.none()  # everything the bot sends pings nobody


# permissions as Discord's interface names them (discord.py's names are the API's)
PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "read_messages": "View Channel",
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "attach_files": "Attach Files",
    "read_message_history": "Read Message History",
}


class UserInputError(app_commands.AppCommandError):
    """Bad input from the user; its message is shown to them as it is."""


def permission_names(names: list[str]) -> str:
    """ "Manage Server", "Send Messages and Embed Links": as Discord's interface shows them."""
    shown = list(dict.fromkeys(PERMISSION_NAMES.get(n, n.replace("_", " ").title()) for n in names))
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
