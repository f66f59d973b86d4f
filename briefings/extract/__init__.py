"""Extraction: pure functions from an article's text to its facts."""

from briefings.extract.core import extract

__all__ = ["extract"]
