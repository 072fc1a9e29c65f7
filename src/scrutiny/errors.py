"""Exception classes. Every error a user can hit says what was wrong and where."""

from __future__ import annotations


class ScrutinyError(Exception):
    """Base of every error scrutiny raises on purpose."""


class ListParseError(ScrutinyError):
    """A list file could not be read as its format requires.

    Carries the file, the place in it (line, record id or XPath-like element) and what was
    expected, so the message can be printed on one line and acted on.
    """

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        place = f"{file}:{where}" if where else file
        super().__init__(f"{place}: {problem}")


class UnknownFormatError(ListParseError):
    """A file in a mirror folder is not one of the list formats scrutiny knows."""


class StoreError(ScrutinyError):
    """The database refused or lost an operation."""


class ListUnavailableError(ScrutinyError):
    """A list could not be fetched (offline with no mirror, checksum mismatch, ...)."""


class QueryError(ScrutinyError, ValueError):
    """A screening query is malformed (empty name, invalid date, unknown country ...)."""
