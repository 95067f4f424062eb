"""What an episode's description says besides the article's lead: its corrections and the disclosure.

The same words go into the feed item's description and onto the page. A
correction note is written for every version whose text was corrected (see
catalogue.Version.corrected), dated in the show's time zone; the disclosure is
the show's current one, so a newsroom that rewords it rewords every episode's.
"""

from __future__ import annotations

from audio_artigo.podcast import calendar, templates
from audio_artigo.podcast.catalogue import PublishedEpisode, Version
from audio_artigo.podcast.config import PodcastConfig


def when(version: Version, config: PodcastConfig) -> str:
    """ "5 de dezembro de 2026, 14h20", in the show's time zone."""
    moment = calendar.local(version.published, config.timezone)
    return f"{calendar.long_date(moment.date())}, {calendar.clock(moment)}"


def correction_notes(published: PublishedEpisode, config: PodcastConfig) -> list[str]:
    """One note per correction, oldest first ("Corrigido em 5 de dezembro de 2026, 14h20: ...")."""
    if not config.correction_note:
        return []
    notes = []
    for version in published.corrections:
        moment = calendar.local(version.published, config.timezone)
        values = {"date": calendar.long_date(moment.date()), "time": calendar.clock(moment)}
        notes.append(templates.fill(config.correction_note, values))
    return notes


def description(published: PublishedEpisode, config: PodcastConfig) -> str:
    """The feed item's description: the lead, the correction notes, the disclosure, as paragraphs."""
    episode = published.episode
    parts = [episode.description or episode.title, *correction_notes(published, config), config.disclosure]
    return "\n\n".join(part for part in parts if part)
