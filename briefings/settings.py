"""Settings from the environment (and an optional .env), shared by the CLI, the console and the bot."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from briefings.models import SEED_STORY
from briefings.scale.sharding import Shards
from briefings.store.db import is_postgres
from briefings.story import StoryError
from briefings.storyset import StorySet
from briefings.words import quoted

_TOKEN = re.compile(r"^[\w-]{10,}\.[\w-]{4,}\.[\w-]{10,}$")


class SettingsError(ValueError):
    """A setting that stops start-up; the message is one line and never contains the token."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BRIEFINGS_", env_file=".env", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="the bot token; without it, the console runs")
    db: str = Field(
        default="data/briefings.db",
        description="the store: a SQLite file's path, or a postgresql://user:password@host/database URL",
    )
    state_dir: Path | None = Field(
        default=None,
        description="where this process keeps its gateway heartbeat and console history"
        " (default: the SQLite store's folder; data/ with PostgreSQL)",
    )
    dev_guild: int | None = Field(default=None, description="a guild id for instant command sync while developing")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    timezone: str = Field(default="UTC", description="IANA name used for dates shown and digest defaults")
    seeds: Path | None = Field(default=Path("seeds"), description="articles ingested when the store is empty")
    stories: Path | None = Field(
        default=None,
        description="a folder of story files (*.toml) followed besides the bundled ones; one named like a bundled "
        "story replaces it",
    )
    story: str | None = Field(
        default=SEED_STORY,
        description="the story a command means when it names none; empty: every command names its story "
        "(unless only one is followed)",
    )
    feed_timeout: float = Field(default=20.0, gt=0, le=300, description="seconds before a feed or page fetch gives up")
    poll_deadline: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="seconds one feed's poll may take; past it the rest wait for the next poll",
    )
    extract_budget: float = Field(
        default=20.0,
        gt=0,
        le=600,
        description="seconds one article's reading (HTML to text) or fact extraction may take; past it, it is refused",
    )
    allow_loopback: bool = Field(
        default=False,
        description="let feeds and pages be fetched from this machine's loopback addresses (tests, local use)",
    )
    login_retry: float = Field(
        default=600.0,
        gt=0,
        le=86400,
        description="seconds `briefings bot` keeps retrying its login, with back-off, while Discord answers 5xx",
    )
    discord_api: str | None = Field(default=None, description="another Discord-compatible REST base (tests, proxies)")
    discord_gateway: str | None = Field(default=None, description="another Discord-compatible gateway URL")
    shards: str | None = Field(
        default=None,
        description="the shards this bot process runs, like 0-1/4 (shards 0 and 1 of 4); unset: all of them",
    )
    admin_guilds: str | None = Field(
        default=None,
        description="servers, by id and separated by commas, whose Manage Server may add, remove and resume the "
        "feeds every server shares (besides the application's owner)",
    )
    ingest_queue: bool = Field(
        default=False,
        description="queue ingest (feed entries, `briefings ingest`) for `briefings worker` processes instead of "
        "ingesting in this process: for a store that workers on other machines share",
    )
    lease_seconds: float = Field(
        default=30.0,
        ge=3,
        le=300,
        description="how long a process's hold on its shards, digests and feeds lasts unrenewed: "
        "a stopped process's work is taken over after this",
    )

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a Discord bot token (three dot-separated parts)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
            raise ValueError(f"{quoted(value)} is not an IANA time zone such as Europe/Berlin") from None
        return value

    @field_validator("discord_api", "discord_gateway")
    @classmethod
    def _address(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        kind, schemes, example = _ADDRESSES[info.field_name or ""]
        if not _is_url(value.strip(), schemes):
            raise ValueError(f"{quoted(value)} is not {kind} address such as {example}")
        return value.strip()

    @field_validator("shards")
    @classmethod
    def _shards(cls, value: str | None) -> str | None:
        return None if value is None else str(Shards.parse(value))

    @field_validator("admin_guilds")
    @classmethod
    def _guild_ids(cls, value: str | None) -> str | None:
        if value is None:
            return None
        ids = [part.strip() for part in value.split(",") if part.strip()]
        for part in ids:
            if not part.isascii() or not part.isdigit() or not 0 < int(part) < 2**64:
                raise ValueError(
                    f"has {quoted(part)}, which is not a server id; give ids separated by commas, "
                    "like 123456789012345678,234567890123456789"
                )
        return ",".join(ids) or None

    @property
    def admin_guild_ids(self) -> frozenset[int]:
        """The servers whose admins manage the feeds (BRIEFINGS_ADMIN_GUILDS)."""
        return frozenset(int(part) for part in self.admin_guilds.split(",")) if self.admin_guilds else frozenset()

    @property
    def shard_plan(self) -> Shards | None:
        """The shards this process runs; None: all of them, as many as Discord recommends."""
        return Shards.parse(self.shards) if self.shards else None

    @field_validator("db", mode="before")
    @classmethod
    def _store(cls, value: object) -> object:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("is empty; give a file's path or a postgresql:// URL")
            text = value.strip()
            if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I) and not is_postgres(text):
                raise ValueError(
                    f"{quoted(text.split('://', 1)[0] + '://…')} is no store: give a file's path or a postgresql:// URL"
                )
            return text
        return value

    @property
    def local_dir(self) -> Path:
        """Where this process's own files go: the heartbeat the health check reads, console history."""
        if self.state_dir is not None:
            return self.state_dir
        return Path("data") if is_postgres(self.db) else Path(self.db).parent

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def story_set(self) -> StorySet:
        """The stories followed (bundled, and BRIEFINGS_STORIES'), read now; a broken story file or an
        unknown BRIEFINGS_STORY is a `SettingsError` naming the setting."""
        try:
            found = StorySet.load(self.stories, None)
        except StoryError as exc:
            more = f" (and {len(exc.lines) - 1} more mistakes)" if len(exc.lines) > 1 else ""
            raise SettingsError(f"BRIEFINGS_STORIES {exc.lines[0]}{more}") from None
        if self.story is not None and self.story not in found:
            raise SettingsError(
                f"BRIEFINGS_STORY {quoted(self.story)} is not a story; the stories are {', '.join(found.names)}"
            )
        return StorySet(found, self.story)

    @field_validator("story", mode="before")
    @classmethod
    def _story_name(cls, value: object) -> object:
        return (" ".join(value.split()) or None) if isinstance(value, str) else value

    @field_validator(
        "dev_guild",
        "seeds",
        "stories",
        "discord_api",
        "discord_gateway",
        "shards",
        "state_dir",
        "admin_guilds",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


# the Discord addresses a setting may name: what kind, its schemes, an example
_ADDRESSES = {
    "discord_api": ("an http(s)", {"http", "https"}, "https://discord.com/api/v10"),
    "discord_gateway": ("a ws(s)", {"ws", "wss"}, "wss://gateway.discord.gg"),
}


def _is_url(value: str, schemes: set[str]) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number below 65536
    except ValueError:  # a bad port, an unclosed [IPv6]
        return False
    return parts.scheme.lower() in schemes and bool(parts.hostname)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; a bad one raises `SettingsError` naming the variable only."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "settings"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"BRIEFINGS_{field.upper()} {msg}") from None


def check_store(path: Path, named: str, *, create: bool) -> Path:
    """The store's path, checked before it is opened: `named` says where it was set ("--db",
    "BRIEFINGS_DB" or the default), `create` whether a missing store may be made. A problem is one
    line naming the setting and the path, never a traceback."""
    where = f"{named} {path}"
    if path.is_dir():
        raise SettingsError(
            f"{where} is a folder, not a database file; name a file inside it, like {path / 'briefings.db'}"
        )
    if path.exists():
        if not os.access(path, os.R_OK | (os.W_OK if create else 0)):
            raise SettingsError(f"{where} cannot be {'written' if create else 'read'} (permission denied)")
        return path
    if not create:
        raise SettingsError(f"there is no store at {path} ({named}); `briefings ingest PATH` creates it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"{where} cannot be created: {exc.strerror or exc} ({path.parent})") from None
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise SettingsError(f"{where} cannot be created: the folder {path.parent} is not writable")
    return path
