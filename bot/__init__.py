"""The Discord adapter: slash commands and embeds over the briefings store."""
