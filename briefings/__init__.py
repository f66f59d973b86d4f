"""briefings: who claims what, when, and how sure, about a fast-moving news story."""

__version__ = "0.1.0"
