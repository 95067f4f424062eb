"""CLI commands: build, cache prune."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from audio_artigo.cli.reporter import TerminalReporter


SHOW_OPTIONS = ("intro", "outro", "disclosure", "intro_audio", "outro_audio", "music_bed", "loudness_lufs", "true_peak_dbtp", "speed")
"""The options that override podcast.toml's settings for one run."""


def build_options(command):
    """The options of ``build``, which ``follow`` takes too; the command receives them as ``options`` (a BuildOptions).

    The show's settings (intro, outro, jingles, loudness...) come from
    podcast.toml; the options of the same names override them for this run.
    """
    decorators = [
        click.option("--voice", help="Piper voice for the narration: a name in the voices folder, or a path to an .onnx file. Default: pt_BR-faber-medium."),
        click.option("--quote-voice", "quote_voices", multiple=True,
                     help="Piper voice for quotations (name or path); give it several times for several voices, each speaker of the article "
                          "getting one of their own (every speaker of a multi-speaker voice counts). Default: quote_voices in podcast.toml, "
                          "else pt_BR-cadu-medium (and pt_BR-jeff-medium, pt_BR-edresson-low when installed), else the narrator's voice with other speaking settings."),
        click.option("--speaker", help="Speaker (id or name) of a multi-speaker narrator voice."),
        click.option("--quote-speaker", help="Speaker (id or name) for quotations in a multi-speaker voice."),
        click.option("--engine", type=click.Choice(["auto", "piper", "espeak"]), default="auto", show_default=True,
                     help="auto: Piper, or an eSpeak NG draft when no Piper voice can be had; piper: never fall back; espeak: draft on purpose."),
        click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True, help="Output folder (episodes, feed, page)."),
        click.option("--workers", type=click.IntRange(min=1), help="Synthesis processes. Default: one per CPU."),
        click.option("--offline", is_flag=True, help="Never download a voice."),
        click.option("--repo-url", help="Piper voices repository (mirror) to download from. Default: $AUDIO_ARTIGO_VOICES_URL or the official one."),
        click.option("--cache-dir", type=click.Path(path_type=Path), help="Clip cache folder. Default: $AUDIO_ARTIGO_CACHE_DIR or OUT/.cache "
                     "(with --backend celery, this machine's voice copies: $AUDIO_ARTIGO_CACHE_DIR or ~/.cache/audio-artigo)."),
        click.option("--no-cache", is_flag=True, help="Synthesise everything again and keep nothing."),
        click.option("--keep-related", is_flag=True, help='Read related-link blocks ("Leia também"...) too.'),
        click.option("--lexicon", type=click.Path(path_type=Path), help="User lexicon (TSV, TOML or PLS .pls): word -> spoken text, [[phonemes]] or IPA."),
        click.option("--bitrate", type=click.IntRange(min=64, max=160), default=64, show_default=True, help="MP3 bitrate in kbps (mono)."),
        click.option("--mp3-quality", type=click.IntRange(min=0, max=9), default=5, show_default=True, help="LAME quality: 0 best/slowest, 9 fastest."),
        click.option("--intro", help='Spoken intro template, e.g. "Você está ouvindo {show}. {title}." ("" for none). Default: podcast.toml\'s intro.'),
        click.option("--outro", help="Spoken outro template (\"\" for none). Default: podcast.toml's outro."),
        click.option("--disclosure", help="The synthetic-voice disclosure (\"\" for none). Default: podcast.toml's."),
        click.option("--intro-audio", metavar="FILE", help="Jingle before the intro (WAV, FLAC, OGG, MP3; \"\" for none). Default: podcast.toml's."),
        click.option("--outro-audio", metavar="FILE", help="Jingle after the outro (\"\" for none). Default: podcast.toml's."),
        click.option("--music-bed", metavar="FILE", help="Music under the spoken intro (\"\" for none). Default: podcast.toml's."),
        click.option("--loudness-lufs", type=float, help="Integrated loudness of the episodes. Default: podcast.toml's, else -16."),
        click.option("--true-peak-dbtp", type=float, help="Highest true peak of the episodes. Default: podcast.toml's, else -1."),
        click.option("--speed", type=float, help="The voices' pace (1.1: 10% faster). Default: podcast.toml's, else 1."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
                     help="Seconds a fetch (a page, a feed, an image; redirects included) may take in all."),
        click.option("--max-size", "max_fetch_size", default="10M", show_default=True,
                     help="Largest page, feed or image fetched (decoded; K, M, G suffixes)."),
        click.option("--no-images", is_flag=True, help="Do not fetch the articles' lead images: every episode shows the show's cover."),
        click.option("--backend", type=click.Choice(["local", "celery"]), default="local", show_default=True,
                     help="local: this machine's processes; celery: the cluster's workers ($AUDIO_ARTIGO_BROKER, $AUDIO_ARTIGO_STORE "
                          "or podcast.toml's [dist]), published by its publisher into its own folder."),
    ]  # fmt: skip

    @functools.wraps(command)
    def with_options(voice, quote_voices, speaker, quote_speaker, engine, out_dir, workers, offline, repo_url, cache_dir,
                     no_cache, keep_related, lexicon, bitrate, mp3_quality, timeout, max_fetch_size, no_images, backend, **rest):  # fmt: skip
        from audio_artigo.build import BuildOptions
        from audio_artigo.sources.limits import FetchLimits
        from audio_artigo.voices.cast import VoiceRequest

        options = BuildOptions(
            out_dir=out_dir,
            voices=VoiceRequest(
                voice=voice,
                quote_voices=quote_voices,
                engine=engine,
                offline=offline,
                repo_url=repo_url,
                speaker=speaker,
                quote_speaker=quote_speaker,
            ),
            workers=workers,
            cache_dir=cache_dir,
            use_cache=not no_cache,
            keep_related=keep_related,
            lexicon=lexicon,
            bitrate_kbps=bitrate,
            mp3_quality=mp3_quality,
            fetch=FetchLimits(deadline=timeout, max_bytes=parse_size(max_fetch_size)),
            fetch_images=not no_images,
            show={name: rest.pop(name) for name in SHOW_OPTIONS},
            backend=backend,
        )
        return command(options=options, **rest)

    for decorator in reversed(decorators):
        with_options = decorator(with_options)
    return with_options


@click.command()
@click.argument("articles", nargs=-1, required=True)
@build_options
@click.option("--no-wait", is_flag=True, help="With --backend celery: return once the articles are queued, printing their episode ids.")
def build(articles, options, no_wait):
    """Build podcast episodes from ARTICLES (.txt, .md or .html files, or http(s) URLs of pages) into the output folder.

    The show's settings (intro, outro, jingles, loudness...) come from
    podcast.toml; the options of the same names override them for this build.
    """
    from audio_artigo.build import build as build_episodes

    if options.backend == "celery":
        return _build_on_cluster(list(articles), options, wait=not no_wait)
    if no_wait:
        raise click.UsageError("--no-wait goes with --backend celery")
    with TerminalReporter() as reporter:
        episodes = build_episodes(list(articles), options, reporter)
    for episode in episodes:
        click.echo(describe_episode(options.out_dir, episode))


def _build_on_cluster(articles, options, wait: bool) -> None:
    """One line per published episode (as a local build prints them), or the episode ids when not waiting."""
    from audio_artigo.dist.client import build as cluster_build
    from audio_artigo.errors import ClusterError

    with TerminalReporter() as reporter:
        result = cluster_build(articles, options, reporter, wait=wait)
    if not wait:
        for submission in result.submitted:
            click.echo(f"{submission.id}  {submission.source}")
        return
    for outcome in result.outcomes:
        if outcome.state == "published":
            click.echo(describe_episode(Path(outcome.file).parent, outcome.episode))
    for outcome in result.failed:
        source = outcome.submission.source
        reason = outcome.reason if outcome.reason.startswith(source) else f"{source}: {outcome.reason}"
        click.echo(f"audio-artigo: error: {reason}", err=True)
    if result.failed:
        raise ClusterError(f"{len(result.failed)} of {len(result.outcomes)} articles failed (audio-artigo status lists them)")


def describe_episode(out_dir: Path, episode) -> str:
    """``output/slug.mp3  3:05, 4 chapters, 1.5 MB, read by VOICE``."""
    minutes, seconds = divmod(round(episode.duration), 60)
    path = Path(out_dir) / episode.audio_file
    voices = episode.voice + (f", quotations by {episode.quote_voice}" if episode.quote_voice else "")
    return f"{path}  {minutes}:{seconds:02d}, {len(episode.chapters)} chapters, {episode.size / 1e6:.1f} MB, read by {voices}"


@click.group()
def cache():
    """The clip cache."""


@cache.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True)
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Default: $AUDIO_ARTIGO_CACHE_DIR or OUT/.cache.")
@click.option("--max-size", default="1G", show_default=True, help="Keep at most this much (K, M, G suffixes).")
def prune(out_dir, cache_dir, max_size):
    """Delete the least recently used cache entries beyond --max-size."""
    from audio_artigo.synthesis.cache import ClipCache

    folder = cache_dir or Path(os.environ.get("AUDIO_ARTIGO_CACHE_DIR") or Path(out_dir) / ".cache")
    removed, freed = ClipCache(folder).prune(parse_size(max_size, smallest=0))
    click.echo(f"{folder}: removed {removed} entries, freed {freed / 1e6:.1f} MB")


def parse_size(text: str, smallest: int = 1) -> int:
    """ "500M", "2G", "10K", "1234" -> bytes; at least ``smallest``."""
    units = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B")
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "")
    try:
        size = int(float(number) * units[unit])
    except ValueError:
        raise click.BadParameter(f"not a size: {text!r} (e.g. 500M, 2G)") from None
    if size < smallest:
        raise click.BadParameter(f"a size of at least {smallest} byte{'s' if smallest != 1 else ''}, not {text!r}")
    return size


COMMANDS: list[click.Command] = [build, cache]
