"""Logging, set up once by every entry point: one format, the level asked for, and no noise.

discord.py warns on every start that voice support is missing (PyNaCl, davey); this bot never uses
voice, so those two lines are dropped (by logger name: the core does not import discord).
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _NoVoiceWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


_VOICE_FILTER = _NoVoiceWarnings()


def configure_logging(level: int | str) -> None:
    """The root logger at `level` with the one format (once per process: the first call decides)."""
    logging.basicConfig(level=level, format=FORMAT)
    discord_client = logging.getLogger("discord.client")
    if _VOICE_FILTER not in discord_client.filters:
        discord_client.addFilter(_VOICE_FILTER)
