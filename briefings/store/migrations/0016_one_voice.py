"""Entities, voices and copies filed again by what the extractor knows now (issue 20): a phrase that
names no one ("countries", "key Western ally") is no entity; a minister's claims are their ministry's,
voiced by them, as a spokesperson's are their body's; a rewrite's number given to a government is the
claim its original gives that government's one body. Facts are kept; only their filing changes."""

from briefings.store.db import Transaction
from briefings.store.facts import resolve_again


async def upgrade(tx: Transaction) -> None:
    await resolve_again(tx)
