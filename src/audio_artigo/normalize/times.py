"""Times and durations: "14h30", "9h", "21h45min", "10:30", "0h30", "24h", race times "9s86", "1min12s345".

Hours are feminine ("uma hora", "vinte e duas horas"), minutes masculine;
zero and one hour are singular ("zero hora e trinta minutos").
"""

from __future__ import annotations

import re

from audio_artigo.normalize.cardinals import cardinal
from audio_artigo.normalize.engine import Hit

# Any case: a headline in capitals writes "ÀS 14H30".
_H_TIME = re.compile(
    r"(?<![\w.,:])(?P<h>[0-9]{1,3})[ \t]?h(?:(?P<m>[0-5][0-9])(?:[ \t]?min|m)?(?:(?P<s>[0-5][0-9])s)?)?(?![\w])",
    re.IGNORECASE,
)
_COLON_TIME = re.compile(r"(?<![\w.,:])(?P<h>[01]?[0-9]|2[0-4]):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?(?![\w:]|[.,][0-9])")
# A race's time: "9s86", "52s10", "1min12s345" (seconds and their fraction).
_RACE_TIME = re.compile(r"(?<![\w.,:])(?:(?P<m>[0-9]{1,3})min)?(?P<s>[0-9]{1,2})s(?P<fraction>[0-9]{1,3})(?!\w)", re.IGNORECASE)
_FRACTIONS_OF_A_SECOND = {1: ("décimo", "décimos"), 2: ("centésimo", "centésimos"), 3: ("milésimo", "milésimos")}
_MINUTES = re.compile(r"(?<![\w.,:])(?P<m>[0-9]{1,3})min(?P<s>[0-5][0-9]s)?(?!\w)", re.IGNORECASE)


def speak(hours: int, minutes: int = 0, seconds: int = 0) -> str:
    """"duas horas e dez minutos"; three parts as a list is said: "duas horas, dez minutos e trinta segundos"."""
    parts = [cardinal(hours, feminine=True) + (" hora" if hours <= 1 else " horas")]
    for value, singular, plural in ((minutes, "minuto", "minutos"), (seconds, "segundo", "segundos")):
        if value:
            parts.append(cardinal(value) + " " + (singular if value == 1 else plural))
    return ", ".join(parts[:-1]) + " e " + parts[-1] if len(parts) > 1 else parts[0]


def _race_time(minutes: str | None, seconds: int, fraction: str) -> str:
    """"um minuto, doze segundos e trezentos e quarenta e cinco milésimos"."""
    parts = []
    if minutes:
        parts.append(cardinal(int(minutes)) + (" minuto" if int(minutes) == 1 else " minutos"))
    parts.append(cardinal(seconds) + (" segundo" if seconds == 1 else " segundos"))
    singular, plural = _FRACTIONS_OF_A_SECOND[len(fraction)]
    spoken = ", ".join(parts)
    return spoken + " e " + cardinal(int(fraction)) + " " + (singular if int(fraction) == 1 else plural)


def match(text: str, pos: int) -> Hit | None:
    found = _H_TIME.match(text, pos) or _COLON_TIME.match(text, pos)
    if found:
        seconds = found.group("s")
        return Hit(
            found.end(),
            speak(int(found.group("h")), int(found.group("m") or 0), int(seconds.rstrip("s")) if seconds else 0),
        )
    found = _RACE_TIME.match(text, pos)
    if found:
        return Hit(found.end(), _race_time(found.group("m"), int(found.group("s")), found.group("fraction")))
    found = _MINUTES.match(text, pos)
    if found:
        minutes = int(found.group("m"))
        spoken = cardinal(minutes) + (" minuto" if minutes == 1 else " minutos")
        if found.group("s"):
            seconds = int(found.group("s")[:-1])
            spoken += " e " + cardinal(seconds) + (" segundo" if seconds == 1 else " segundos")
        return Hit(found.end(), spoken)
    return None
