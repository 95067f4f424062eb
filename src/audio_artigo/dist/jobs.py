"""A cluster job: one article and everything its episode depends on, as JSON (Celery's safe serializer).

The submitting machine reads the article (a file there, or a URL) and
chooses the voices, as a local build does, so every input is checked before
anything is queued and a file on that machine reaches every worker. The job
carries the article itself, the cast (voices by content digest: a worker
without the file fetches it from the clip store), the lexicon's entries and
the show's settings that go into the episode (author, title...). Its id is a
digest of all that: the same submission twice is the same episode id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from audio_artigo.model import Article, Block, Section
from audio_artigo.podcast.config import PodcastConfig
from audio_artigo.synthesis.cache import key_for
from audio_artigo.synthesis.voice import VoiceSpec
from audio_artigo.voices.cast import Cast

_PLAIN = (str, int, float, bool, type(None))


@dataclass
class Job:
    store: str
    """The clip store's URL: every task of this job uses it."""
    article: Article
    cast: Cast
    config: PodcastConfig
    """The show's settings as the submitting machine read them (files it names stay there: the publisher uses its own)."""
    keep_related: bool = False
    lexicon: dict[str, str] | None = None
    bitrate_kbps: int = 64
    mp3_quality: int = 5
    sounds: dict[str, str] = dataclasses.field(default_factory=dict)
    """The show's jingles and music bed, prepared into the store by the submitting machine: their keys by setting."""
    day: str | None = None
    """What the intro's or outro's {date} reads (ISO 8601; episode.publication_day on the submitting machine)."""
    fetch_images: bool = True
    """The publisher fetches the article's lead image into its folder."""
    date: str = ""
    """The episode's recording date (ID3), fixed at submission so a task run again writes the same bytes."""
    id: str = ""

    def __post_init__(self) -> None:
        self.date = self.date or dt.date.today().isoformat()
        if not self.id:
            self.id = key_for(json.dumps({**self.to_json(), "id": ""}, sort_keys=True))[:16]

    @property
    def sample_rate(self) -> int:
        return self.cast.sample_rate

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "store": self.store,
            "article": dataclasses.asdict(self.article),
            "cast": {
                "narrator": dataclasses.asdict(self.cast.narrator),
                "pool": [dataclasses.asdict(voice) for voice in self.cast.pool],
                "draft": self.cast.draft,
            },
            "config": {
                field.name: getattr(self.config, field.name)
                for field in dataclasses.fields(self.config)
                if isinstance(getattr(self.config, field.name), _PLAIN)
            },
            "keep_related": self.keep_related,
            "lexicon": self.lexicon,
            "bitrate_kbps": self.bitrate_kbps,
            "mp3_quality": self.mp3_quality,
            "sounds": self.sounds,
            "day": self.day,
            "fetch_images": self.fetch_images,
            "date": self.date,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Job":
        article = dict(data["article"])
        article["sections"] = [Section(s["title"], [Block(**b) for b in s["blocks"]]) for s in article["sections"]]
        quote, *others = (VoiceSpec(**voice) for voice in data["cast"]["pool"])
        return cls(
            store=data["store"],
            article=Article(**article),
            cast=Cast(VoiceSpec(**data["cast"]["narrator"]), quote, data["cast"]["draft"], tuple(others)),
            config=PodcastConfig(**data["config"]),
            keep_related=data["keep_related"],
            lexicon=data["lexicon"],
            bitrate_kbps=data["bitrate_kbps"],
            mp3_quality=data["mp3_quality"],
            sounds=data["sounds"],
            day=data["day"],
            fetch_images=data["fetch_images"],
            date=data["date"],
            id=data["id"],
        )

    def prepared(self):
        """The article segmented, normalised, planned and framed (episode.prepare), as the submitting machine would."""
        from audio_artigo import episode
        from audio_artigo.normalize import Lexicon

        lexicon = Lexicon(self.lexicon) if self.lexicon else None
        day = dt.date.fromisoformat(self.day) if self.day else None
        return episode.prepare(self.article, self.keep_related, lexicon, self.config, day, bed="music_bed" in self.sounds)


def episode_record(episode_id: str) -> str:
    """The store's record of an assembled episode (its files, named by their SHA-256, beside it): the commit point of assemble."""
    return f"episodes/{episode_id}/episode.json"
