"""One article becomes one published episode.

article -> script -> clips -> loudness -> MP3 + chapters + transcript -> publish,
each stage cached so a correction costs only what changed:
1. read, segment and normalise the article, and plan its clips and pauses;
2. synthesise the clips not yet in the cache (worker pool, longest first);
3. measure the episode's integrated loudness from the clips' cached 100 ms
   energies and choose one gain for the whole episode;
4. encode each clip (gain, limiter, pause) as its own run of MP3 frames,
   again only those not cached;
5. concatenate the frames, tag (ID3 + chapters), write the JSON chapters and
   the WebVTT transcript as temporary files, and publish them atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import numpy as np

from audio_artigo.podcast import transcript
from audio_artigo.assembly import mp3
from audio_artigo.assembly.id3 import TagInfo, write_tags
from audio_artigo.assembly.loudness import (
    TARGET_LUFS,
    TRUE_PEAK_CEILING_DBTP,
    db_to_gain,
    integrated_loudness,
    step_samples,
)
from audio_artigo.atomicio import temp_path_for
from audio_artigo.voices.cast import Cast
from audio_artigo.errors import InputError, PublishError, SynthesisError
from audio_artigo.model import ChapterMark, Cue, Episode, StagedEpisode
from audio_artigo.normalize import load_lexicon, normalize
from audio_artigo.reading.plan import Line, plan
from audio_artigo.podcast.publish import publish
from audio_artigo.sources.reader import read_article
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences
from audio_artigo.synthesis.cache import BrokenEntry, ClipAudio, ClipCache, EncodedClip, key_for
from audio_artigo.synthesis.pool import EncodeJob, Pool, SynthesisJob

STICKY_GAIN_TOLERANCE_LU = 0.5
"""A re-build keeps the previous gain while the result stays this close to the target."""


def build_episode(
    article_path: Path, options, config, cast: Cast, cache: ClipCache, pool: Pool, reporter, more_to_come: bool = False
) -> Episode:
    """Build the episode of one article and publish it (``options``: a build.BuildOptions).

    Unless ``more_to_come`` (other articles for the same pool), the pool's
    worker processes are let go once the clips are encoded: the MP3 is
    assembled without their memory beside it.
    """
    article = read_article(article_path)
    script = segment(article, keep_related=options.keep_related)
    lexicon_file = options.lexicon or config.lexicon
    lexicon = load_lexicon(lexicon_file) if lexicon_file else None
    lines = plan(script, lambda text: normalize(text, lexicon), split_sentences)
    if not lines:
        raise InputError(f"{article_path}: nothing to read aloud")

    rate = cast.sample_rate
    settings = mp3.EncoderSettings(rate, options.bitrate_kbps, options.mp3_quality)
    codec_record = "codec-" + key_for(cast.narrator.cache_identity(), cast.quote.cache_identity(), settings.key())[:24]
    codec_loss = cache.read_record(codec_record).get("loss_db")
    for attempt in range(2):
        clip_keys, facts, codec_losses = _synthesize(lines, cast, cache, pool, reporter, settings if codec_loss is None else None)
        if codec_loss is None and codec_losses:
            codec_loss = round(sorted(codec_losses)[len(codec_losses) // 2], 2)
            with contextlib.suppress(PublishError):  # records only save work next time
                cache.write_record(codec_record, {"loss_db": codec_loss})
        try:
            encoded = _encode_to_target(
                lines, clip_keys, facts, settings, (codec_record, codec_loss or 0.0), article.identity, cache, pool, reporter
            )
            break
        except BrokenEntry:  # a clip left the cache after it was spoken (a `cache prune` meanwhile): speak it again
            if attempt:
                raise _cache_keeps_breaking(cache) from None
    if not more_to_come:
        pool.release_workers()
    chapters, cues, duration = _timeline(lines, clip_keys, encoded, facts, script, rate)

    slug = _slug(article_path.stem) or _slug(script.title) or "episodio"
    staged: list[Path] = []
    try:
        episode = Episode(
            slug=slug,
            title=script.title,
            identity=article.identity,
            source=str(article.source),
            description=script.lead or script.title,
            author=_author(script.byline) or config.author,
            duration=duration,
            chapters=chapters,
            engine=cast.engine,
            voice=cast.narrator.name,
            quote_voice=cast.quote.name if cast.quote != cast.narrator else None,
        )
        audio = temp_path_for(options.out_dir / f"{slug}.mp3")
        staged.append(audio)
        _write_mp3(audio, _tag_info(episode, config, cast), chapters, encoded)
        chapters_json = _stage_text(options.out_dir / f"{slug}.chapters.json", transcript.json_chapters(chapters), staged)
        vtt = _stage_text(options.out_dir / f"{slug}.vtt", transcript.webvtt(cues), staged)
        published = publish(options.out_dir, StagedEpisode(episode, audio, chapters_json, vtt), config)
        staged.clear()
        return published
    except OSError as exc:
        raise PublishError(f"cannot write the episode into {options.out_dir}: {exc.strerror or exc}") from exc
    finally:
        for path in staged:
            with contextlib.suppress(OSError):
                path.unlink()


CODEC_PROBES = 4
"""Clips (the longest synthesised) on which the encoder's loudness loss is measured."""


def _synthesize(lines: list[Line], cast: Cast, cache: ClipCache, pool: Pool, reporter, codec_probe):
    """Synthesise what the cache lacks.

    Returns the clip keys of each line, each clip's cached facts (loudness
    energies, speech length) without its audio, and the encoder's loudness
    loss measured on a few clips when ``codec_probe`` (encoder settings) is given.
    """
    keys: list[list[str]] = []
    jobs: dict[str, SynthesisJob] = {}
    for line in lines:
        voice = cast.quote if line.speaker == "quote" else cast.narrator
        line_keys = [key_for(voice.cache_identity(), str(cast.sample_rate), clip.spoken) for clip in line.clips]
        for key, clip in zip(line_keys, line.clips):
            jobs.setdefault(key, SynthesisJob(key, voice, clip.spoken))
        keys.append(line_keys)
    facts: dict[str, ClipAudio] = {}
    # The cached clips' facts first: in a re-build, this process is waiting for its voice to load.
    missing = _load_entries(jobs.values(), facts, lambda key: cache.load_clip(key, with_audio=False))
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
        missing = _load_entries(missing, facts, lambda key: cache.load_clip(key, with_audio=False))
    raise _cache_keeps_breaking(cache)


def _load_entries(jobs, loaded: dict, load) -> list:
    """Load the cache entry of each job (``load(key)``) into ``loaded``; returns the jobs whose entry is missing or broken."""
    failed = []
    for job in jobs:
        try:
            loaded[job.key] = load(job.key)
        except BrokenEntry:
            failed.append(job)
    return failed


def _cache_keeps_breaking(cache: ClipCache) -> SynthesisError:
    return SynthesisError(f"the clip cache in {cache.folder} keeps breaking; remove it and build again")


def _pause_steps(seconds: float) -> int:
    return max(1, round(seconds / 0.1))


def _encode_to_target(lines, clip_keys, facts, settings, codec: tuple[str, float], identity: str, cache: ClipCache, pool, reporter):
    """Encode every clip with one gain for the whole episode, so the MP3 lands on TARGET_LUFS.

    The gain is predicted from the clips' own loudness, less what the encoder
    is known to remove for these voices (measured on a few clips of the first
    build), and kept from the previous build of the same article while the
    result stays close to the target, so a correction re-encodes only what
    changed. The MP3's actual loudness is measured from its decoded clips; if
    it missed the target, the gain (and the known loss) is corrected once and
    the clips encoded again. ``codec``: the record of the encoder's known loss, and that loss.
    """
    codec_record, codec_loss = codec
    energies = []
    for line, keys in zip(lines, clip_keys):
        for clip, key in zip(line.clips, keys):
            energies.append(facts[key].energies)
            energies.append(np.zeros(_pause_steps(clip.pause_after)))
    predicted = integrated_loudness(np.concatenate(energies))
    if not np.isfinite(predicted):
        raise SynthesisError("the voice produced only silence")
    article_record = _gain_record(identity)
    expected = predicted - codec_loss  # the MP3's loudness at unity gain
    gain_db = cache.read_record(article_record).get("gain_db")
    if gain_db is None or abs(expected + gain_db - TARGET_LUFS) > STICKY_GAIN_TOLERANCE_LU:
        gain_db = round(TARGET_LUFS - expected, 2)

    encoded = _encode(lines, clip_keys, gain_db, settings, cache, pool, reporter)
    measured = integrated_loudness(np.concatenate([clip.energies for line in encoded for clip in line]))
    if abs(measured - TARGET_LUFS) > STICKY_GAIN_TOLERANCE_LU:
        with contextlib.suppress(PublishError):
            cache.write_record(codec_record, {"loss_db": round(predicted + gain_db - measured, 2)})
        gain_db = round(gain_db + TARGET_LUFS - measured, 2)
        encoded = _encode(lines, clip_keys, gain_db, settings, cache, pool, reporter)
    with contextlib.suppress(PublishError):
        cache.write_record(article_record, {"gain_db": gain_db})
    return encoded


def _gain_record(identity: str) -> str:
    return "gain-" + key_for(identity)[:24]


def _encode(lines, clip_keys, gain_db: float, settings, cache: ClipCache, pool: Pool, reporter) -> list[list[EncodedClip]]:
    """Encode the clips the cache lacks; returns each line's encoded clips."""
    gain = db_to_gain(gain_db)
    ceiling = db_to_gain(TRUE_PEAK_CEILING_DBTP)
    hop = step_samples(settings.sample_rate)
    keys: list[list[str]] = []
    jobs: dict[str, EncodeJob] = {}
    text_length: dict[str, int] = {}
    for line, line_clip_keys in zip(lines, clip_keys):
        line_keys = []
        for clip, clip_key in zip(line.clips, line_clip_keys):
            pause = _pause_steps(clip.pause_after) * hop
            key = key_for(clip_key, str(pause), f"{gain_db:.2f}", f"{TRUE_PEAK_CEILING_DBTP}", settings.key())
            line_keys.append(key)
            jobs.setdefault(key, EncodeJob(key, clip_key, pause, gain, ceiling, settings))
            text_length[key] = len(clip.spoken)
        keys.append(line_keys)
    encoded: dict[str, EncodedClip] = {}
    missing = _load_entries(jobs.values(), encoded, cache.load_encoded)
    for _attempt in range(2):  # a second pass encodes again entries found broken
        if not missing:
            return [[encoded[key] for key in line_keys] for line_keys in keys]
        reporter.start("Encoding", len(missing))
        longest_first = sorted(missing, key=lambda job: text_length[job.key], reverse=True)  # the workers end together
        pool.encode(longest_first, lambda _job, _key: reporter.advance(1))
        missing = _load_entries(missing, encoded, cache.load_encoded)
    raise _cache_keeps_breaking(cache)


def _timeline(lines, clip_keys, encoded: list[list[EncodedClip]], facts, script, rate: int):
    """Chapters, transcript cues and duration, from the MP3 frames each clip became."""
    position = 0  # in decoded samples
    cues: list[Cue] = []
    chapter_starts: dict[int, int] = {}
    for line, line_clip_keys, line_encoded in zip(lines, clip_keys, encoded):
        chapter_starts.setdefault(line.chapter, position)
        speech_start = speech_end = None
        for clip_key, clip in zip(line_clip_keys, line_encoded):
            if speech_start is None:
                speech_start = position + mp3.DECODED_OFFSET_SAMPLES
            speech_end = position + mp3.DECODED_OFFSET_SAMPLES + facts[clip_key].speech_samples
            position += clip.samples
        cues.append(Cue(speech_start / rate, speech_end / rate, line.speaker, line.text))
    starts = sorted(chapter_starts.items())
    chapters = []
    for number, (chapter_index, start) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else position
        start_seconds = 0.0 if number == 0 else start / rate
        chapters.append(ChapterMark(script.chapters[chapter_index].title, start_seconds, end / rate))
    return chapters, cues, position / rate


def _write_mp3(path: Path, tags, chapters: list[ChapterMark], encoded: list[list[EncodedClip]]) -> None:
    """The ID3 tag first (so it is never moved), then every clip's frames."""
    write_tags(path, tags, chapters)
    with open(path, "ab") as out:
        for line_encoded in encoded:
            for clip in line_encoded:
                out.write(clip.frames)
        out.flush()
        os.fsync(out.fileno())


def _tag_info(episode: Episode, config, cast: Cast) -> TagInfo:
    made_with = f"audio-artigo; {cast.engine} {cast.narrator.name}"
    if cast.draft:
        made_with += " (draft)"
    return TagInfo(
        title=episode.title,
        artist=episode.author or config.title,
        album=config.title,
        date=dt.date.today().isoformat(),
        language="por",
        source=episode.source,
        made_with=made_with,
    )


def _stage_text(final: Path, text: str, staged: list[Path]) -> Path:
    temp = temp_path_for(final)
    staged.append(temp)
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _author(byline: str | None) -> str | None:
    """ "Por Fulana de Tal" -> "Fulana de Tal"."""
    if not byline:
        return None
    return re.sub(r"^\s*(por|by)\s+", "", byline, flags=re.IGNORECASE).strip() or None


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]
