"""The show's settings: ``podcast.toml``.

``audio-artigo init`` writes a commented ``podcast.toml`` into the current
folder; ``build`` and ``feed`` look for it in the output folder, then in the
current folder, and fall back to the defaults below when there is none.
"""

from __future__ import annotations

import tomllib
import urllib.parse
import uuid
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from audio_artigo import atomicio
from audio_artigo.errors import ConfigError
from audio_artigo.podcast import calendar, templates

CONFIG_NAME = "podcast.toml"

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
"""Where ``audio-artigo serve`` listens by default, so an unconfigured feed works locally."""

FEED_NAME = "feed.xml"

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The namespace Podcasting 2.0 prescribes for ``podcast:guid`` (uuid5 of the feed URL)."""

APPLE_CATEGORIES = frozenset(
    {
        "Arts", "Business", "Comedy", "Education", "Fiction", "Government",
        "Health & Fitness", "History", "Kids & Family", "Leisure", "Music", "News",
        "Religion & Spirituality", "Science", "Society & Culture", "Sports",
        "Technology", "True Crime", "TV & Film",
    }
)  # fmt: skip
"""Apple Podcasts' top-level categories: Apple rejects a feed with any other."""

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

COVER_FORMATS = {"JPEG", "PNG"}
COVER_MIN_PIXELS, COVER_MAX_PIXELS = 1400, 3000

# The show's sound and frame (intro, outro, jingles, disclosure) and its corrections.
DEFAULT_DISCLOSURE = "Este áudio foi gerado com voz sintética a partir do texto publicado."
DEFAULT_CORRECTION_NOTE = "Corrigido em {date}, {time}: o áudio foi atualizado com o texto corrigido."
SOUND_SETTINGS = ("intro_audio", "outro_audio", "music_bed")
LOUDNESS_RANGE_LUFS = (-30.0, -10.0)
TRUE_PEAK_RANGE_DBTP = (-9.0, 0.0)
SPEED_RANGE = (0.5, 2.0)


@dataclass(frozen=True)
class PodcastConfig:
    """What the feed says about the show (the channel), and where it lives."""

    title: str = "audio-artigo"
    description: str = "Notícias lidas em voz alta, com capítulos e transcrição."
    author: str = "audio-artigo"
    email: str = ""
    """The owner's e-mail: directories send verification mail to it; it is public."""
    language: str = "pt-BR"
    category: str = "News"
    explicit: bool = False
    cover: Path | None = None
    """A square JPEG or PNG; None means one is generated from the title."""
    base_url: str = ""
    """The public URL of the output folder; empty means DEFAULT_BASE_URL."""
    lexicon: Path | None = None
    """The newsroom's own lexicon (TSV, TOML or PLS) for the normaliser; ``build --lexicon`` overrides it."""
    quote_voices: tuple[str, ...] = ()
    """The voices of quotations (names, or paths made absolute); ``build --quote-voice`` overrides them."""

    # The show's frame and sound (see _SHOW_SETTING_HELP).
    intro: str = ""
    """Spoken before the article by the narrator (a template: templates.FRAME_PLACEHOLDERS); empty: none."""
    outro: str = ""
    """Spoken after the article, before the disclosure; empty: none."""
    disclosure: str = DEFAULT_DISCLOSURE
    """Plain text: spoken at the end, and in each episode's description in the feed and on the page."""
    intro_audio: Path | None = None
    outro_audio: Path | None = None
    music_bed: Path | None = None
    loudness_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    speed: float = 1.0
    """The voices' pace: 1.1 speaks 10 % faster (Piper's length scale divided by it)."""
    timezone: str = calendar.DEFAULT_TIMEZONE
    correction_note: str = DEFAULT_CORRECTION_NOTE
    """Added to a corrected episode's description (a template: templates.NOTE_PLACEHOLDERS)."""

    source: Path | None = None
    """The podcast.toml these settings came from (None: the defaults)."""
    dist: DistConfig = field(default_factory=lambda: DistConfig())
    """The ``[dist]`` table: the cluster (``build --backend celery``, ``worker``)."""

    @property
    def public_url(self) -> str:
        """The folder's URL, always ending in a slash, so file names can be appended."""
        return self.base_url or DEFAULT_BASE_URL

    @property
    def feed_url(self) -> str:
        return self.public_url + FEED_NAME

    def url_for(self, file_name: str) -> str:
        return self.public_url + urllib.parse.quote(file_name)

    def podcast_guid(self) -> uuid.UUID:
        """Podcasting 2.0's show GUID: uuid5 of the feed URL without scheme and trailing slashes."""
        without_scheme = self.feed_url.split("://", 1)[-1].rstrip("/")
        return uuid.uuid5(PODCAST_GUID_NAMESPACE, without_scheme)


# The settings a podcast.toml may hold, in the order init writes them, with
# the comment that explains each one.
_SETTING_HELP = {
    "title": "The show's name, as podcast apps list it.",
    "description": "One or two sentences on what the show is (plain text).",
    "author": "Who makes the show (itunes:author), usually the newsroom's name.",
    "email": (
        "The owner's e-mail (itunes:owner). Apple Podcasts and other directories\n"
        "send verification mail to it; it is public in the feed."
    ),
    "language": "The episodes' language, as a BCP 47 tag.",
    "category": (
        "One of Apple Podcasts' categories: "
        + ", ".join(sorted(APPLE_CATEGORIES))
        + "."
    ),
    "explicit": "true if any episode has explicit content.",
    "cover": (
        "The cover image: a square JPEG or PNG, 1400 to 3000 pixels wide, relative\n"
        "to this file. Leave it empty to have one generated from the title."
    ),
    "base_url": (
        "The public address of the output folder, where podcast apps fetch feed.xml\n"
        "and the episodes (e.g. https://example.org/podcast/). Leave it empty to try\n"
        f"the show locally: links then point at `audio-artigo serve` ({DEFAULT_BASE_URL})."
    ),
    "lexicon": (
        "The newsroom's own lexicon, relative to this file: a TSV (word<TAB>how to say it,\n"
        "or word<TAB>[[piper phonemes]]), TOML or W3C PLS (.pls: <alias> or IPA <phoneme>)\n"
        "file applied before the normaliser's rules.\n"
        "`audio-artigo build --lexicon FILE` overrides it. Leave it empty for none."
    ),
    "quote_voices": (
        "The Piper voices that read quotations, each speaker of the article with a voice\n"
        "of their own: names in the voices folder or paths to .onnx files (relative to\n"
        "this file), e.g. [\"pt_BR-cadu-medium\", \"pt_BR-jeff-medium\"]; every speaker of a\n"
        "multi-speaker voice is one more. `audio-artigo build --quote-voice` overrides\n"
        "them. Leave it empty for the default: pt_BR-cadu-medium, and pt_BR-jeff-medium\n"
        "and pt_BR-edresson-low when installed."
    ),
}

# The show's frame and sound: every episode opens and closes the same way.
_SHOW_SETTING_HELP = {
    "intro": (
        "Spoken by the narrator before the article, e.g. \"Você está ouvindo {show}. {title}.\"\n"
        "Placeholders: {show}, {title}, {author} (or {authors}), {date} (the article's\n"
        "publication date), {site}. A sentence needing a value the article lacks (a .txt\n"
        "file has no site) is left out. When it names {title} (or {author}), the article's\n"
        "own title (or byline) is not read again. Empty: no spoken intro."
    ),
    "outro": "Spoken by the narrator after the article, before the disclosure; same placeholders.",
    "disclosure": (
        "Plain text saying the voice is synthetic: spoken at the very end, and added to\n"
        "each episode's description in the feed and on the page. Empty: none."
    ),
    "intro_audio": (
        "A jingle played first (any file soundfile reads: WAV, FLAC, OGG, MP3), relative to\n"
        "this file; it is brought to the episode's loudness. Empty: none."
    ),
    "outro_audio": "A jingle played last, after the outro. Empty: none.",
    "music_bed": (
        "Music under the spoken intro: it starts a moment before the voice, stays 20 dB\n"
        "under it, and fades out after it (a short file repeats). Empty: none."
    ),
    "loudness_lufs": (
        "Integrated loudness of every episode, in LUFS: -16 for podcast apps, -19 for\n"
        f"mono files in Google's audio news specification ({LOUDNESS_RANGE_LUFS[0]:g} to {LOUDNESS_RANGE_LUFS[1]:g})."
    ),
    "true_peak_dbtp": f"The highest true peak of every episode, in dBTP ({TRUE_PEAK_RANGE_DBTP[0]:g} to {TRUE_PEAK_RANGE_DBTP[1]:g}).",
    "speed": (
        "The voices' pace, narrator and quotations: 1.1 speaks 10 % faster, 0.9 slower\n"
        f"(Piper's length scale is divided by it; {SPEED_RANGE[0]:g} to {SPEED_RANGE[1]:g})."
    ),
    "timezone": "The show's time zone (IANA name): the dates of intros and of corrections.",
    "correction_note": (
        "Added to the description of an episode whose text was corrected, once per\n"
        "correction; placeholders {date} and {time} (when it was published). Empty: none."
    ),
}
_SETTING_HELP |= _SHOW_SETTING_HELP

_SETTING_KINDS = (
    {"explicit": "true or false", "quote_voices": "a list of quoted strings"}
    | dict.fromkeys(("loudness_lufs", "true_peak_dbtp", "speed"), "a number")
)
"""What each setting holds, when it is not a quoted string."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (controls, lone surrogates, U+FFFE/F).

    The feed and the page are XML and HTML: text from articles and from
    podcast.toml goes through this where it enters (config, catalogue).
    """
    return _XML_ILLEGAL.sub("", text)


def load_config(out_dir: Path, cwd: Path | None = None) -> PodcastConfig:
    """Read podcast.toml from ``out_dir``, else from ``cwd`` (default: the current folder), else defaults."""
    for folder in (Path(out_dir), Path.cwd() if cwd is None else Path(cwd)):
        path = folder / CONFIG_NAME
        if path.is_file():
            return read_config(path)
    return PodcastConfig()


def read_config(path: Path) -> PodcastConfig:
    """Parse and check one podcast.toml; any problem is a ConfigError naming the file."""
    try:
        with open(path, "rb") as handle:
            settings = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        # The message ends with "(at line N, column M)".
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    return _checked_config(settings, path)


def write_default_config(path: Path, **overrides: object) -> PodcastConfig:
    """Write a commented podcast.toml with the defaults and ``overrides`` (None values are ignored).

    The settings are checked before anything is written; an existing file is
    replaced (the CLI asks for ``--force`` first).
    """
    path = Path(path)
    settings = {name: value for name, value in overrides.items() if value is not None}
    for name in ("cover", "lexicon", *SOUND_SETTINGS):
        if name in settings:
            settings[name] = str(settings[name])
    config = _checked_config(settings, path)

    defaults = PodcastConfig()
    lines = [
        "# audio-artigo: the podcast that feed.xml describes.",
        "# `audio-artigo build` and `audio-artigo feed` read this file from the output",
        "# folder or from the current folder. Every setting is optional.",
    ]
    for name, help_text in _SETTING_HELP.items():
        value = settings.get(name, getattr(defaults, name))
        lines.append("")
        lines.extend("# " + line for line in help_text.splitlines())
        lines.append(f"{name} = {_toml_value('' if value is None else value)}")
    lines += ["", *_DIST_EXAMPLE]
    atomicio.write_text(path, "\n".join(lines) + "\n")
    return config


def _checked_config(settings: dict, path: Path) -> PodcastConfig:
    settings = dict(settings)
    dist = _checked_dist(settings.pop("dist", {}), path)
    known = list(_SETTING_HELP)
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(known)})")

    for name, value in settings.items():
        kind = _SETTING_KINDS.get(name, "a quoted string")
        if not _is_kind(value, kind):
            raise ConfigError(f"{path}: {name} must be {kind}, not {value!r}")

    values = {name: xml_safe(value).strip() if isinstance(value, str) else value for name, value in settings.items()}
    if "quote_voices" in values:
        values["quote_voices"] = _checked_voices(values["quote_voices"], path)
    for name in ("title", "language"):
        if name in values and not values[name]:
            raise ConfigError(f"{path}: {name} must not be empty")
    if values.get("category", "News") not in APPLE_CATEGORIES:
        raise ConfigError(
            f"{path}: category {values['category']!r} is not an Apple Podcasts category "
            f"(one of: {', '.join(sorted(APPLE_CATEGORIES))})"
        )
    if values.get("email") and "@" not in values["email"]:
        raise ConfigError(f"{path}: email {values['email']!r} is not an e-mail address")
    if values.get("base_url"):
        values["base_url"] = _checked_base_url(values["base_url"], path)
    if values.get("cover"):
        values["cover"] = _checked_cover(path.parent / values["cover"], path)
    else:
        values.pop("cover", None)
    if values.get("lexicon"):
        lexicon = path.parent / values["lexicon"]
        if not lexicon.is_file():
            raise ConfigError(f"{path}: lexicon {lexicon} does not exist")
        values["lexicon"] = lexicon.resolve()
    else:
        values.pop("lexicon", None)
    values |= _checked_show_settings(values, path.parent, lambda name: f"{path}: {name}")
    return PodcastConfig(**values, source=path, dist=dist)


def with_overrides(config: PodcastConfig, overrides: dict[str, object]) -> PodcastConfig:
    """``config`` with the show's settings a build gives on its command line (None: not given).

    Checked as podcast.toml's are; files are relative to the current folder,
    and an error names the option (``--intro-audio: ...``).
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    unknown = set(given) - set(_SHOW_SETTING_HELP)
    if unknown:
        raise ValueError(f"not a setting a build overrides: {sorted(unknown)}")
    values = {name: xml_safe(value).strip() if isinstance(value, str) else value for name, value in given.items()}
    values |= _checked_show_settings(values, Path.cwd(), lambda name: "--" + name.replace("_", "-"))
    return replace(config, **values) if values else config


def _checked_show_settings(values: dict, base: Path, where: Callable[[str], str]) -> dict:
    """The frame and sound settings among ``values``, checked; files resolved against ``base``.

    ``where(name)`` names the setting in an error (the file and key, or the option).
    """
    checked = {}
    for name, allowed in (("intro", templates.FRAME_PLACEHOLDERS), ("outro", templates.FRAME_PLACEHOLDERS),
                          ("correction_note", templates.NOTE_PLACEHOLDERS)):  # fmt: skip
        if name in values and (problem := templates.problem(values[name], allowed)):
            raise ConfigError(f"{where(name)}: {problem}")
    for name in SOUND_SETTINGS:
        if name in values:
            sound = base / values[name] if values[name] else None
            if sound is not None and not sound.is_file():
                raise ConfigError(f"{where(name)}: {sound} does not exist")
            checked[name] = sound.resolve() if sound else None
    for name, (low, high) in (("loudness_lufs", LOUDNESS_RANGE_LUFS), ("true_peak_dbtp", TRUE_PEAK_RANGE_DBTP),
                              ("speed", SPEED_RANGE)):  # fmt: skip
        if name in values:
            if not low <= values[name] <= high:
                raise ConfigError(f"{where(name)}: {values[name]:g} is outside {low:g} to {high:g}")
            checked[name] = float(values[name])
    if "timezone" in values:
        try:
            calendar.zone(values["timezone"])
        except ValueError as exc:
            raise ConfigError(f"{where('timezone')}: {exc}") from None
    return checked


def _is_kind(value: object, kind: str) -> bool:
    if kind == "true or false":
        return isinstance(value, bool)
    if kind == "a number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "a list of quoted strings":
        return isinstance(value, (list, tuple))
    return isinstance(value, str)


def _checked_voices(voices, path: Path) -> tuple[str, ...]:
    """Voice names as they are; paths (with a "/" or ending in .onnx) made absolute from the file's folder."""
    checked = []
    for voice in voices:
        if not isinstance(voice, str) or not voice.strip():
            raise ConfigError(f"{path}: quote_voices must be a list of voice names or paths, not {voices!r}")
        voice = voice.strip()
        checked.append(str((path.parent / voice).resolve()) if "/" in voice or voice.endswith(".onnx") else voice)
    return tuple(checked)


def _checked_base_url(url: str, path: Path) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"{path}: base_url {url!r} must be an http:// or https:// address of a folder")
    return url if url.endswith("/") else url + "/"


def _checked_cover(cover: Path, path: Path) -> Path:
    """Apple's artwork rules: a square JPEG or PNG of 1400 to 3000 pixels."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(cover) as image:  # reads the header only
            image_format, (width, height) = image.format, image.size
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: cover {cover} does not exist") from exc
    except (OSError, UnidentifiedImageError) as exc:
        raise ConfigError(f"{path}: cover {cover} is not a readable image") from exc
    if image_format not in COVER_FORMATS:
        raise ConfigError(f"{path}: cover {cover} is {image_format}; podcast apps need JPEG or PNG")
    if width != height or not COVER_MIN_PIXELS <= width <= COVER_MAX_PIXELS:
        raise ConfigError(
            f"{path}: cover {cover} is {width}x{height}; podcast apps need a square "
            f"of {COVER_MIN_PIXELS} to {COVER_MAX_PIXELS} pixels"
        )
    return cover.resolve()


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    text = str(value)
    # A TOML basic string: escape what it forbids (controls, DEL, quote, backslash).
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


# The [dist] table: running on a Celery cluster. Environment variables
# (AUDIO_ARTIGO_BROKER, AUDIO_ARTIGO_STORE) override it.


@dataclass(frozen=True)
class DistConfig:
    broker: str | None = None
    """The Celery broker: redis://HOST:6379/0."""
    store: str | None = None
    """The clip store every worker shares: s3://bucket/prefix, file:///mnt/shared/clips..."""
    store_options: dict = field(default_factory=dict)
    """Passed to fsspec (e.g. endpoint_url, key, secret for an S3-compatible store)."""
    visibility_timeout: int | None = None
    """Seconds after which a task taken by a worker that vanished is given to another."""
    max_tasks_per_child: int | None = None
    """Tasks a worker process runs before Celery replaces it: a safety net (synthesis processes bound
    their memory by reloading their voices, ``dist.tasks.VOICE_LIFETIME_CLIPS``)."""


_DIST_KEYS = {"broker": str, "store": str, "store_options": dict, "visibility_timeout": int, "max_tasks_per_child": int}

_DIST_EXAMPLE = [
    "# Running on a cluster (`audio-artigo build --backend celery`, `audio-artigo worker`):",
    "# the Redis broker and the clip store every worker shares. AUDIO_ARTIGO_BROKER and",
    "# AUDIO_ARTIGO_STORE override them.",
    "# [dist]",
    '# broker = "redis://127.0.0.1:6379/0"',
    '# store = "s3://my-bucket/audio-artigo"',
]


def _checked_dist(table: object, path: Path) -> DistConfig:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: dist must be a table ([dist])")
    for name, value in table.items():
        expected = _DIST_KEYS.get(name)
        if expected is None:
            raise ConfigError(f"{path}: unknown setting dist.{name} (known: {', '.join(_DIST_KEYS)})")
        if not isinstance(value, expected) or isinstance(value, bool) or (expected is int and value <= 0):
            kind = {str: "a quoted string", dict: "a table", int: "a positive whole number"}[expected]
            raise ConfigError(f"{path}: dist.{name} must be {kind}, not {value!r}")
    return DistConfig(**table)
