"""Dates and times as the show writes them, in Portuguese and in the show's time zone.

"5 de dezembro de 2026", "1º de março de 2025", "14h20", "9h05", "14h": the
forms Brazilian newsrooms write, which the normaliser also reads aloud ("1º
de março" -> "primeiro de março"), so a date in a spoken intro and a date on
the page are the same words.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timezone

MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)  # fmt: skip

DEFAULT_TIMEZONE = "America/Sao_Paulo"


@functools.lru_cache(maxsize=8)
def zone(name: str):
    """The time zone called ``name`` (IANA); ValueError when there is none by that name."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not a time zone (like {DEFAULT_TIMEZONE})") from exc


def local(moment: datetime, zone_name: str) -> datetime:
    """``moment`` in the zone ``zone_name``; a naive moment is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone(zone_name))


def long_date(day: date) -> str:
    """ "5 de dezembro de 2026"; the first of a month is "1º"."""
    number = "1º" if day.day == 1 else str(day.day)
    return f"{number} de {MONTHS[day.month - 1]} de {day.year}"


def clock(moment: datetime) -> str:
    """ "14h20", "9h05", and "14h" on the hour."""
    return f"{moment.hour}h{moment.minute:02d}" if moment.minute else f"{moment.hour}h"


def parse_moment(text: str | None, zone_name: str) -> datetime | None:
    """An ISO 8601 date or date and time (as pages give their publication date), in the
    show's zone; a date or a naive time is taken as the show's own. None if unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            day = date.fromisoformat(text.strip()[:10])
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone(zone_name))
    return moment.astimezone(zone(zone_name))
