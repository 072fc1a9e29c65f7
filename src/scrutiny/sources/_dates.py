"""Partial dates as sanctions lists write them, turned into ISO 8601 prefixes.

Lists give dates of birth with day, month or only year precision ("1944-10-13", year "1961",
"Nov. 1973", "Between Aug. and Sep. 1977"); `model.BirthDate` stores them as ISO prefixes
("1973-11"), so a prefix says exactly what is known. Every helper returns None for text it
cannot read as a real calendar date rather than guessing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_ISO_PREFIX = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_MONTH_YEAR = re.compile(rf"^\s*{_MONTH_WORD}\s+(\d{{4}})\s*$")
_MONTH_RANGE = re.compile(
    rf"^\s*between\s+{_MONTH_WORD}\s+(?:(\d{{4}})\s+)?and\s+{_MONTH_WORD}\s+(\d{{4}})\s*$",
    re.IGNORECASE,
)
_SHORT_DATE_FORMATS = ("%d-%b-%y", "%d-%b-%Y", "%d/%m/%Y", "%d.%m.%Y")


def partial_date(
    year: int | str | None, month: int | str | None = None, day: int | str | None = None
) -> str | None:
    """ISO prefix for a year and optional month and day, None unless it is a real date.

    A day without a month is dropped (the year alone is what is known).
    """
    try:
        y = int(year) if year not in (None, "") else None
        m = int(month) if month not in (None, "", "0", 0) else None
        d = int(day) if day not in (None, "", "0", 0) else None
    except (TypeError, ValueError):
        return None
    if y is None or not 1000 <= y <= 9999:
        return None
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def iso_date(text: str | None) -> str | None:
    """ISO prefix from text starting with `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (anything after ignored).

    UN `LISTED_ON` sometimes carries a time-zone suffix ("2001-01-25-05:00"); it is dropped.
    """
    if not text:
        return None
    found = _ISO_PREFIX.match(text)
    if found is None:
        return None
    return partial_date(*found.groups())


def _month(word: str) -> int | None:
    return _MONTHS.get(word.lower())


def month_year(text: str | None) -> tuple[str, str | None] | None:
    """Read "Nov. 1973" / "August 1961" / "Between Aug. and Sep. 1977" as (start, until).

    Returns None for anything else, including other calendars ("24/06/1402 (Hijri Calendar)").
    """
    if not text:
        return None
    found = _MONTH_YEAR.match(text)
    if found is not None:
        month = _month(found.group(1))
        start = partial_date(found.group(2), month) if month else None
        return (start, None) if start else None
    found = _MONTH_RANGE.match(text)
    if found is not None:
        first, first_year, last, last_year = found.groups()
        m1, m2 = _month(first), _month(last)
        if m1 is None or m2 is None:
            return None
        start = partial_date(first_year or last_year, m1)
        until = partial_date(last_year, m2)
        if start is None or until is None or start > until:
            return None
        return start, until
    return None


def month_name(text: str | None) -> int | None:
    """Month number for a lone month name or abbreviation ("Sep." -> 9), else None."""
    if not text:
        return None
    return _month(text.strip().rstrip("."))


def short_date(text: str | None) -> str | None:
    """ISO date from day-first forms lists use: "30-Mar-18", "30-Mar-2018", "30/03/2018"."""
    if not text:
        return None
    stripped = text.strip()
    for fmt in _SHORT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(stripped, fmt).date().isoformat()
        except ValueError:
            continue
    return None
