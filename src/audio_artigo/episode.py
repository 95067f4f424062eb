"""One article becomes one published episode.

article -> script -> clips -> loudness -> MP3 + chapters + transcript -> publish,
each stage cached so a correction costs only what changed:
1. read, segment and normalise the article, plan its clips and pauses, and
   frame it with the show's spoken intro and outro (reading.framing);
2. synthesise the clips not yet in the cache (worker pool, longest first),
   and prepare the show's jingles and music bed (assembly.sounds, cached);
3. measure the episode's integrated loudness from the clips' cached 100 ms
   energies and choose one gain for the whole episode;
4. encode each clip (gain, limiter, pause) as its own run of MP3 frames,
   again only those not cached; each jingle is a run of its own, and the
   spoken intro with the music bed under it is one run;
5. concatenate the runs, tag (ID3 + chapters), write the JSON chapters and
   the WebVTT transcript as temporary files, and publish them atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from audio_artigo.podcast import transcript
from audio_artigo.assembly import mp3
from audio_artigo.assembly.id3 import TagInfo, write_tags
from audio_artigo.assembly import sounds as show_sounds
from audio_artigo.assembly.loudness import LoudnessTarget, db_to_gain, integrated_loudness, step_samples
from audio_artigo.atomicio import temp_path_for
from audio_artigo.voices.cast import Cast
from audio_artigo.errors import InputError, PublishError, SynthesisError
from audio_artigo.model import Article, ChapterMark, Cue, Episode, Script, StagedEpisode
from audio_artigo.normalize import Lexicon, load_lexicon, normalize
from audio_artigo.podcast import calendar, templates
from audio_artigo.podcast.catalogue import CATALOGUE_NAME, locked_catalogue
from audio_artigo.reading import framing
from audio_artigo.reading.plan import PAUSE_CHAPTER, PAUSE_TITLE, Line, plan
from audio_artigo.podcast.publish import publish
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences
from audio_artigo.synthesis.cache import BrokenEntry, ClipAudio, ClipCache, EncodedClip, key_for
from audio_artigo.synthesis.pool import EncodeJob, MixJob, Pool, SynthesisJob

STICKY_GAIN_TOLERANCE_LU = 0.5
"""A re-build keeps the previous gain while the result stays this close to the target."""


@dataclass
class Prepared:
    """An article read, segmented, normalised, planned and framed: what the other stages work from."""

    article: Article
    script: Script
    """As read aloud (without the title or byline the intro already said)."""
    lines: list[Line]
    """The spoken intro's, the article's, the outro's."""
    intro_lines: int
    text_digest: str
    """What the listener hears of the article (Episode.text_digest)."""

    @property
    def slug(self) -> str:
        """The episode's file names: the page's or the file's name, else the article's title."""
        return _slug(_file_name_hint(self.article)) or _slug(self.script.title) or "episodio"


def build_episode(
    article: Article,
    options,
    config,
    cast: Cast,
    cache: ClipCache,
    pool: Pool,
    reporter,
    more_to_come: bool = False,
    sounds: dict[str, show_sounds.SoundFile] | None = None,
) -> Episode:
    """Build the episode of one article and publish it (``options``: a build.BuildOptions).

    Unless ``more_to_come`` (other articles for the same pool), the pool's
    worker processes are let go once the clips are encoded: the MP3 is
    assembled without their memory beside it. ``sounds``: the show's jingles
    and music bed, read when the build started (assembly.sounds.read_sounds).
    The stages are the functions below, which a cluster's tasks
    (audio_artigo.dist) call too.
    """
    sounds = sounds or {}
    day = publication_day(article, config, options.out_dir)
    prepared = prepare(article, options.keep_related, episode_lexicon(options, config), config, day, bed="music_bed" in sounds)
    image_file = lead_image(article.image_url if options.fetch_images else None, options.out_dir, options.fetch, reporter)
    target = loudness_target(config)
    settings = encoder_settings(cast, options)
    codec_record = codec_record_name(cast, settings)
    codec_loss = cache.read_record(codec_record).get("loss_db")
    for attempt in range(2):
        prepared_sounds = prepare_sounds(sounds, cast.sample_rate, target, cache)
        clip_keys, facts, codec_losses = _synthesize(
            prepared.lines, cast, cache, pool, reporter, (settings, target) if codec_loss is None else None
        )
        if codec_loss is None and codec_losses:
            codec_loss = round(sorted(codec_losses)[len(codec_losses) // 2], 2)
            with contextlib.suppress(PublishError):  # records only save work next time
                cache.write_record(codec_record, {"loss_db": codec_loss})
        try:
            runs, encoded = encode_to_target(
                Assembly(prepared.lines, clip_keys, facts, prepared.intro_lines, prepared_sounds), settings, target,
                (codec_record, codec_loss or 0.0), article.identity, cache, pool, reporter,
            )  # fmt: skip
            break
        except BrokenEntry:  # a clip left the cache after it was spoken (a `cache prune` meanwhile): speak it again
            if attempt:
                raise _cache_keeps_breaking(cache) from None
    if not more_to_come:
        pool.release_workers()
    staged = assemble(prepared, clip_keys, facts, runs, encoded, cast, config, options.out_dir, dt.date.today().isoformat(), image_file)
    return publish(options.out_dir, staged, config)


def prepare(article: Article, keep_related: bool, lexicon: Lexicon | None, config, day: dt.date | None, bed: bool) -> Prepared:
    """Segment, normalise, plan and frame an article (``day``: what the intro's {date} reads, see publication_day;
    ``bed``: a music bed goes under the intro); InputError when there is nothing to read aloud."""
    script = segment(article, keep_related=keep_related)

    def spoken(text: str) -> str:
        return normalize(text, lexicon)

    text_digest = script.text_digest()
    script, lines, intro_lines = _framed_lines(article, script, config, spoken, bed, day)
    return Prepared(article, script, lines, intro_lines, text_digest)


def episode_lexicon(options, config) -> Lexicon | None:
    """The lexicon of a build: ``--lexicon``, else podcast.toml's."""
    lexicon_file = options.lexicon or config.lexicon
    return load_lexicon(lexicon_file) if lexicon_file else None


def loudness_target(config) -> LoudnessTarget:
    return LoudnessTarget(config.loudness_lufs, config.true_peak_dbtp)


def encoder_settings(cast: Cast, options) -> mp3.EncoderSettings:
    return mp3.EncoderSettings(cast.sample_rate, options.bitrate_kbps, options.mp3_quality)


def codec_record_name(cast: Cast, settings: mp3.EncoderSettings) -> str:
    """The cache record of how much loudness the encoder takes from these voices at these settings."""
    return "codec-" + key_for(cast.narrator.cache_identity(), *(voice.cache_identity() for voice in cast.pool), settings.key())[:24]


def prepare_sounds(sounds: dict[str, show_sounds.SoundFile], rate: int, target: LoudnessTarget, cache: ClipCache) -> dict[str, str]:
    """The show's sounds prepared for this episode, in the cache: their keys by setting."""
    return {name: show_sounds.prepare(sound, rate, target.lufs, cache) for name, sound in sounds.items()}


def _framed_lines(article: Article, script, config, spoken, bed: bool, day: dt.date | None):
    """The lines read aloud: the show's spoken intro, the article's, the outro with the disclosure.

    Returns the script as read (without the title or byline the intro already
    said), its lines, and how many of them are the intro's (0 or 1).
    """
    frame = framing.frame_for(config, article, script, day)
    script = framing.without_repeats(script, frame)
    lines = plan(script, spoken, split_sentences)
    if not lines:
        raise InputError(f"{article.url or article.source}: nothing to read aloud")
    # Under a music bed, the pause after the intro is long enough for the bed to fade out in it.
    intro_pause = max(PAUSE_TITLE, show_sounds.BED_FADE_OUT_SECONDS) if bed else PAUSE_TITLE
    intro = framing.frame_line(frame.intro, 0, spoken, split_sentences, intro_pause)
    outro = framing.frame_line(frame.outro, lines[-1].chapter, spoken, split_sentences, PAUSE_CHAPTER)
    return script, intro + lines + outro, len(intro)


def publication_day(article: Article, config, out_dir: Path) -> dt.date | None:
    """The date the intro or outro reads (see _publication_day), None when neither reads one."""
    if not (templates.uses(config.intro, "date") or templates.uses(config.outro, "date")):
        return None
    return _publication_day(article, out_dir, config.timezone)


def _publication_day(article, out_dir: Path, zone: str) -> dt.date:
    """The date an intro reads: the article's own; else the episode's first publication, so a
    re-build on a later day says the same; else today (in the show's time zone)."""
    moment = calendar.parse_moment(article.published, zone)
    if moment is None and (Path(out_dir) / CATALOGUE_NAME).is_file():
        with locked_catalogue(out_dir) as catalogue:
            listed = catalogue.find(article.identity)
        moment = listed and calendar.local(listed.published, zone)
    return (moment or calendar.local(dt.datetime.now(dt.timezone.utc), zone)).date()


def clip_jobs(lines: list[Line], cast: Cast) -> tuple[list[list[str]], dict[str, SynthesisJob]]:
    """The clip keys of each line, and one synthesis job per distinct clip."""
    keys: list[list[str]] = []
    jobs: dict[str, SynthesisJob] = {}
    for line, voice in zip(lines, cast.line_voices(lines)):  # each speaker their voice
        line_keys = [key_for(voice.cache_identity(), str(cast.sample_rate), clip.spoken) for clip in line.clips]
        for key, clip in zip(line_keys, line.clips):
            jobs.setdefault(key, SynthesisJob(key, voice, clip.spoken))
        keys.append(line_keys)
    return keys, jobs


CODEC_PROBES = 4
"""Clips (the longest synthesised) on which the encoder's loudness loss is measured."""


def _synthesize(lines: list[Line], cast: Cast, cache: ClipCache, pool: Pool, reporter, codec_probe):
    """Synthesise what the cache lacks.

    Returns the clip keys of each line, each clip's cached facts (loudness
    energies, speech length) without its audio, and the encoder's loudness
    loss measured on a few clips when ``codec_probe`` (encoder settings) is given.
    """
    keys, jobs = clip_jobs(lines, cast)
    facts: dict[str, ClipAudio] = {}
    # The cached clips' facts first: in a re-build, this process is waiting for its voice to load.
    missing = load_facts(jobs.values(), facts, cache)
    if codec_probe is not None:
        for index in sorted(range(len(missing)), key=lambda i: -len(missing[i].text))[:CODEC_PROBES]:
            missing[index] = replace(missing[index], codec_probe=codec_probe)
    codec_losses: list[float] = []

    def done(job, result) -> None:
        reporter.advance(len(job.text))
        if result.codec_loss_db is not None:
            codec_losses.append(result.codec_loss_db)

    for _attempt in range(2):  # a second pass re-synthesises entries found broken
        if not missing:
            return keys, facts, codec_losses
        reporter.start("Synthesising", sum(len(job.text) for job in missing))
        pool.synthesize(missing, done)
        missing = load_facts(missing, facts, cache)
    raise _cache_keeps_breaking(cache)


def load_facts(jobs, facts: dict, cache: ClipCache) -> list:
    """Each job's clip facts (without the audio) into ``facts``; returns the jobs whose clip is missing or broken."""
    return _load_entries(jobs, facts, lambda keys: cache.load_clips(keys, with_audio=False))


def _load_entries(jobs, loaded: dict, load_many) -> list:
    """Load the cache entries of the jobs (``load_many(keys)``: those that can be read) into ``loaded``; returns the jobs whose entry is missing or broken."""
    jobs = list(jobs)
    found = load_many([job.key for job in jobs])
    loaded.update(found)
    return [job for job in jobs if job.key not in found]


def _cache_keeps_breaking(cache: ClipCache) -> SynthesisError:
    return SynthesisError(f"the clip cache in {cache.location} keeps breaking; remove it and build again")


def _pause_steps(seconds: float) -> int:
    return max(1, round(seconds / 0.1))


@dataclass
class Assembly:
    """What the encoder needs: the lines with their clips' keys and cached facts, how many
    lines are the spoken intro, and the cache keys of the show's prepared sounds by setting."""

    lines: list[Line]
    clip_keys: list[list[str]]
    facts: dict[str, ClipAudio]
    intro_lines: int
    sounds: dict[str, str]


@dataclass
class _Run:
    """One independently encoded run of MP3 frames (a clip, a jingle, or the spoken intro over
    the music bed), and the clips of lines it holds: (line, clip, sample offset in its input)."""

    job: EncodeJob | MixJob
    clips: list[tuple[int, int, int]]
    samples: int
    """Length of its input: the order in which runs are encoded."""


def encode_to_target(assembly: Assembly, settings, target: LoudnessTarget, codec: tuple[str, float], identity: str, cache, pool, reporter):
    """Encode the episode's runs with one gain for all its clips, so the MP3 lands on the target loudness.

    The gain is predicted from the clips' own loudness, less what the encoder
    is known to remove for these voices (measured on a few clips of the first
    build), and kept from the previous build of the same article while the
    result stays close to the target, so a correction re-encodes only what
    changed. The MP3's actual loudness is measured from its decoded runs; if
    it missed the target, the gain (and the known loss) is corrected once and
    the clips encoded again. The show's sounds are at the target already.
    ``codec``: the record of the encoder's known loss, and that loss.
    Returns the runs in order, and their encoded frames.
    """
    codec_record, codec_loss = codec
    energies = []
    for line, keys in zip(assembly.lines, assembly.clip_keys):
        for clip, key in zip(line.clips, keys):
            energies.append(assembly.facts[key].energies)
            energies.append(np.zeros(_pause_steps(clip.pause_after)))
    predicted = integrated_loudness(np.concatenate(energies))
    if not np.isfinite(predicted):
        raise SynthesisError("the voice produced only silence")
    article_record = _gain_record(identity)
    expected = predicted - codec_loss  # the MP3's loudness at unity gain
    gain_db = cache.read_record(article_record).get("gain_db")
    if gain_db is None or abs(expected + gain_db - target.lufs) > STICKY_GAIN_TOLERANCE_LU:
        gain_db = round(target.lufs - expected, 2)

    runs = _runs(assembly, gain_db, settings, target)
    encoded = _encode(runs, cache, pool, reporter)
    measured = _loudness(encoded)
    if abs(measured - target.lufs) > STICKY_GAIN_TOLERANCE_LU:
        spoken = _loudness([frames for run, frames in zip(runs, encoded) if run.clips])
        with contextlib.suppress(PublishError):
            cache.write_record(codec_record, {"loss_db": round(predicted + gain_db - spoken, 2)})
        gain_db = round(gain_db + target.lufs - measured, 2)
        runs = _runs(assembly, gain_db, settings, target)
        encoded = _encode(runs, cache, pool, reporter)
    with contextlib.suppress(PublishError):
        cache.write_record(article_record, {"gain_db": gain_db})
    return runs, encoded


def _loudness(encoded: list[EncodedClip]) -> float:
    return integrated_loudness(np.concatenate([frames.energies for frames in encoded]))


def _gain_record(identity: str) -> str:
    return "gain-" + key_for(identity)[:24]


def _runs(assembly: Assembly, gain_db: float, settings, target: LoudnessTarget) -> list[_Run]:
    """The episode's runs of MP3 frames, in order: the intro jingle, the spoken intro (one run over the
    music bed, else a run per clip), a run per clip of the article and the outro, the outro jingle."""
    gain, ceiling = db_to_gain(gain_db), db_to_gain(target.ceiling_dbtp)
    hop = step_samples(settings.sample_rate)
    encoding = (f"{gain_db:.2f}", f"{target.ceiling_dbtp}", settings.key())
    runs = []
    if "intro_audio" in assembly.sounds:
        runs.append(_sound_run(assembly.sounds["intro_audio"], settings, target))
    bed = assembly.sounds.get("music_bed") if assembly.intro_lines else None
    mixed: list[tuple[int, int, str, int]] = []  # the spoken intro's clips, under the bed: (line, clip, key, pause)
    for index, (line, line_keys) in enumerate(zip(assembly.lines, assembly.clip_keys)):
        for number, (clip, clip_key) in enumerate(zip(line.clips, line_keys)):
            pause = _pause_steps(clip.pause_after) * hop
            if bed and index < assembly.intro_lines:
                mixed.append((index, number, clip_key, pause))
                continue
            key = key_for(clip_key, str(pause), *encoding)
            length = len(assembly.facts[clip_key].energies) * hop + pause
            runs.append(_Run(EncodeJob(key, clip_key, pause, gain, ceiling, settings), [(index, number, 0)], length))
        if mixed and index + 1 == assembly.intro_lines:
            runs.append(_bed_run(mixed, bed, assembly.facts, gain, ceiling, encoding, settings))
    if "outro_audio" in assembly.sounds:
        runs.append(_sound_run(assembly.sounds["outro_audio"], settings, target))
    return runs


def _sound_run(sound_key: str, settings, target: LoudnessTarget) -> _Run:
    """A jingle as a run of its own: prepared at the show's loudness, so at unity gain."""
    ceiling_db = f"{target.ceiling_dbtp}"
    job = EncodeJob(key_for(sound_key, "0", "unity", ceiling_db, settings.key()), sound_key, 0, 1.0, db_to_gain(target.ceiling_dbtp), settings)
    return _Run(job, [], 0)


def _bed_run(mixed, bed_key: str, facts, gain: float, ceiling: float, encoding: tuple[str, ...], settings) -> _Run:
    """The spoken intro's clips as one run, the music bed under them (its lead before the first)."""
    hop = step_samples(settings.sample_rate)
    lead = round(show_sounds.BED_LEAD_SECONDS * settings.sample_rate)
    offsets, position = [], lead
    for index, number, clip_key, pause in mixed:
        offsets.append((index, number, position))
        position += len(facts[clip_key].energies) * hop + pause
    clip_keys = tuple(clip_key for _, _, clip_key, _ in mixed)
    pauses = tuple(pause for *_, pause in mixed)
    key = key_for("bed", *clip_keys, *map(str, pauses), bed_key, str(lead), show_sounds.BED_SHAPE, *encoding)
    return _Run(MixJob(key, clip_keys, pauses, bed_key, lead, gain, ceiling, settings), offsets, position)


def _encode(runs: list[_Run], cache: ClipCache, pool: Pool, reporter) -> list[EncodedClip]:
    """Encode the runs the cache lacks; returns every run's frames, in order."""
    jobs = {run.job.key: run for run in runs}
    encoded: dict[str, EncodedClip] = {}
    missing = _load_entries([run.job for run in jobs.values()], encoded, cache.load_encoded_many)
    if missing:
        reporter.start("Encoding", len(missing))
        longest_first = sorted(missing, key=lambda job: jobs[job.key].samples, reverse=True)  # the workers end together

        def done(job, frames: EncodedClip) -> None:
            encoded[job.key] = frames
            reporter.advance(1)

        pool.encode(longest_first, done)
        cache.flush()
    return [encoded[run.job.key] for run in runs]


def measure_codec_loss(lines, clip_keys, settings, target: LoudnessTarget, record: str, cache: ClipCache, pool: Pool) -> float:
    """How much loudness the encoder takes, measured on the longest clips and recorded for later builds.

    A local build measures it while synthesising (the codec probes); a
    cluster's assemble, whose clips were spoken elsewhere, measures it here
    when no build recorded it yet.
    """
    spoken = {key: clip.spoken for line, keys in zip(lines, clip_keys) for clip, key in zip(line.clips, keys)}
    longest = sorted(spoken, key=lambda key: len(spoken[key]), reverse=True)[:CODEC_PROBES]
    losses = sorted(loss for loss in pool.codec_losses(longest, (settings, target)) if loss is not None)
    loss = round(losses[len(losses) // 2], 2) if losses else 0.0
    with contextlib.suppress(PublishError):
        cache.write_record(record, {"loss_db": loss})
    return loss


def assemble(
    prepared: Prepared, clip_keys, facts, runs, encoded, cast: Cast, config, folder: Path, date: str, image_file: str = ""
) -> StagedEpisode:
    """The episode's MP3 (tagged, chaptered), JSON chapters and WebVTT transcript, as temporary files in ``folder``.

    ``date``: the ID3 date when the article gives none (ISO 8601);
    ``image_file``: its lead image in the output folder (see lead_image).
    ``publish`` consumes the files; on a failure here none is left behind.
    """
    script = prepared.script
    chapters, cues, duration = _timeline(prepared.lines, clip_keys, runs, encoded, facts, script, cast.sample_rate)
    folder = Path(folder)
    slug = prepared.slug
    staged: list[Path] = []
    try:
        episode = Episode(
            slug=slug,
            title=script.title,
            identity=prepared.article.identity,
            source=str(prepared.article.source),
            description=script.lead or script.title,
            author=", ".join(prepared.article.authors) or framing.byline_name(script.byline) or config.author,
            duration=duration,
            chapters=chapters,
            engine=cast.engine,
            voice=cast.narrator.name,
            quote_voice=cast.quote_label(prepared.lines),
            link=_page_link(prepared.article),
            image_file=image_file,
            article_date=prepared.article.published,
            text_digest=prepared.text_digest,
        )
        audio = temp_path_for(folder / f"{slug}.mp3")
        staged.append(audio)
        _write_mp3(audio, _tag_info(episode, config, cast, date), chapters, encoded)
        chapters_json = _stage_text(folder / f"{slug}.chapters.json", transcript.json_chapters(chapters), staged)
        vtt = _stage_text(folder / f"{slug}.vtt", transcript.webvtt(cues), staged)
        staged.clear()
        return StagedEpisode(episode, audio, chapters_json, vtt)
    except OSError as exc:
        raise PublishError(f"cannot write the episode into {folder}: {exc.strerror or exc}") from exc
    finally:
        for path in staged:
            with contextlib.suppress(OSError):
                path.unlink()


def _timeline(lines, clip_keys, runs: list[_Run], encoded: list[EncodedClip], facts, script, rate: int):
    """Chapters, transcript cues and duration, from the MP3 frames each run became.

    A clip's audio starts where its run starts, plus the encoder's delay,
    plus its offset in the run's input (0 but under the music bed).
    """
    position = 0  # in decoded samples
    placed: dict[tuple[int, int], tuple[int, int]] = {}  # (line, clip) -> (its run's start, its audio's start)
    for run, frames in zip(runs, encoded):
        for index, number, offset in run.clips:
            placed[index, number] = (position, position + mp3.DECODED_OFFSET_SAMPLES + offset)
        position += frames.samples
    cues: list[Cue] = []
    chapter_starts: dict[int, int] = {}
    for index, (line, line_clip_keys) in enumerate(zip(lines, clip_keys)):
        run_start, speech_start = placed[index, 0]
        chapter_starts.setdefault(line.chapter, run_start)
        speech_end = placed[index, len(line.clips) - 1][1] + facts[line_clip_keys[-1]].speech_samples
        cues.append(Cue(speech_start / rate, speech_end / rate, line.speaker, line.text, line.person))
    starts = sorted(chapter_starts.items())
    chapters = []
    for number, (chapter_index, start) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else position
        start_seconds = 0.0 if number == 0 else start / rate
        chapters.append(ChapterMark(script.chapters[chapter_index].title, start_seconds, end / rate))
    return chapters, cues, position / rate


def _write_mp3(path: Path, tags, chapters: list[ChapterMark], encoded: list[EncodedClip]) -> None:
    """The ID3 tag first (so it is never moved), then every run's frames."""
    write_tags(path, tags, chapters)
    with open(path, "ab") as out:
        for frames in encoded:
            out.write(frames.frames)
        out.flush()
        os.fsync(out.fileno())


def _tag_info(episode: Episode, config, cast: Cast, date: str) -> TagInfo:
    made_with = f"audio-artigo; {cast.engine} {cast.narrator.name}"
    if cast.draft:
        made_with += " (draft)"
    return TagInfo(
        title=episode.title,
        artist=episode.author or config.title,
        album=config.title,
        date=_article_day(episode.article_date, config.timezone) or date,
        language="por",
        source=episode.source,
        made_with=made_with,
        url=episode.link,
    )


def _article_day(text: str | None, zone: str) -> str | None:
    """The YYYY-MM-DD of the article's date in the show's time zone, as the intro reads it (None if unreadable)."""
    moment = calendar.parse_moment(text, zone)
    return moment.date().isoformat() if moment else None


def _page_link(article: Article) -> str | None:
    """The article's own page: its canonical URL (also its identity when the page names one), else where it was fetched."""
    candidates = (article.canonical_url, article.identity, article.url)
    return next((url for url in candidates if url and url.lower().startswith(("http://", "https://"))), None)


def _file_name_hint(article: Article) -> str:
    """What the episode's files are named after: the page's last path segment, or the file's name."""
    if article.url:
        path = urllib.parse.urlsplit(article.url).path
        last = next((part for part in reversed(path.split("/")) if part), "")
        return last.rsplit(".", 1)[0] if "." in last else last
    return Path(article.source).stem


def lead_image(image_url: str | None, out_dir: Path, fetch_limits, reporter) -> str:
    """The article's lead image saved in the output folder (its file name), or "" (the show's cover then)."""
    if not (image_url and image_url.lower().startswith(("http://", "https://"))):
        return ""
    from audio_artigo.podcast.site import store_image
    from audio_artigo.sources.fetch import FetchError, Fetcher
    from audio_artigo.sources.web import fetch_image

    try:
        with Fetcher(fetch_limits) as fetcher:
            image = fetch_image(fetcher, image_url)
    except FetchError as exc:
        reporter.warn(f"lead image {exc}; the episode shows the show's cover")
        return ""
    try:
        return store_image(out_dir, image.data, image.suffix)
    except OSError as exc:
        raise PublishError(f"cannot write the lead image into {out_dir}: {exc.strerror or exc}") from exc


def _stage_text(final: Path, text: str, staged: list[Path]) -> Path:
    temp = temp_path_for(final)
    staged.append(temp)
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]
