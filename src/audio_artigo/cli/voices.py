"""CLI commands: voices list | available | download | verify | remove (see audio_artigo.cli)."""

from __future__ import annotations

import click

REPO_URL_HELP = "A mirror of the voices repository (default: $AUDIO_ARTIGO_VOICES_URL, else the official one)."


@click.group("voices")
def voices_group() -> None:
    """Install, check and remove Piper voices.

    Voices live in $AUDIO_ARTIGO_VOICES_DIR, or ./voices when it is not set.
    """


@voices_group.command("list")
def list_voices() -> None:
    """List the installed voices and whether they are ok.

    Shows each voice's language, quality, sample rate and number of speakers.
    """
    from audio_artigo.voices import local

    checks = local.check_installed()
    if not checks:
        click.echo(
            f"no voices in {local.display(local.voices_dir())}; get one with "
            f"`audio-artigo voices download {local.DEFAULT_VOICE}`",
            err=True,
        )
        return
    rows = [("NAME", "LANGUAGE", "QUALITY", "RATE", "SPEAKERS", "STATUS")]
    for check in checks:
        info = check.info
        if info is None:
            rows.append((check.name, "-", "-", "-", "-", "broken"))
        else:
            rows.append(
                (info.name, info.language, info.quality, str(info.sample_rate), str(info.num_speakers), "ok")
            )
    _echo_table(rows)
    broken = [check.name for check in checks if check.problem]
    if broken:
        click.echo(f"broken: {', '.join(broken)}; `audio-artigo voices verify` says why", err=True)


@voices_group.command("available")
@click.option("--lang", help='Only this language: "pt" or "pt_BR".')
@click.option("--repo-url", help=REPO_URL_HELP)
def available(lang: str | None, repo_url: str | None) -> None:
    """List the voices the repository offers (from its voices.json)."""
    from audio_artigo.voices import download
    from audio_artigo.voices import local

    offered = download.available_voices(repo_url, lang)
    if not offered:
        click.echo(f"no voices{' for ' + lang if lang else ''} in the repository", err=True)
        return
    folder = local.voices_dir()
    rows = [("NAME", "LANGUAGE", "QUALITY", "SPEAKERS", "SIZE", "INSTALLED")]
    for voice in offered:
        is_installed = local.files_for(voice.name, folder).model.is_file()
        size = f"{voice.model.size / 1_000_000:.1f} MB"
        installed_mark = "yes" if is_installed else ""
        rows.append((voice.name, voice.language, voice.quality, str(voice.num_speakers), size, installed_mark))
    _echo_table(rows)


@voices_group.command("download")
@click.argument("names", nargs=-1)
@click.option("--repo-url", help=REPO_URL_HELP)
@click.option("--force", is_flag=True, help="Download again even when the installed voice is fine.")
def download_command(names: tuple[str, ...], repo_url: str | None, force: bool) -> None:
    """Download voices and install them once checked.

    Without NAMES, the default cast: the narrator pt_BR-faber-medium and the
    quotation voices pt_BR-cadu-medium, pt_BR-jeff-medium and
    pt_BR-edresson-low (each speaker of an article gets one of them).

    Each file is checked against the size and MD5 in the repository's
    voices.json before it is moved into the voices folder; an interrupted
    download resumes when the command is run again.
    """
    from audio_artigo.voices import download
    from audio_artigo.voices import local
    from audio_artigo.errors import VoiceError

    folder = local.voices_dir()
    for name in names or local.DEFAULT_CAST:
        if not force:
            try:
                local.verify(local.resolve(name, folder))
            except VoiceError:
                pass  # absent or broken: download it
            else:
                click.echo(f"{name}: already installed and ok (--force downloads it again)")
                continue
        files = download.download_voice(name, folder, repo_url=repo_url)
        info = local.verify(files)
        click.echo(
            f"{name}: installed in {local.display(folder)} "
            f"({info.size / 1_000_000:.1f} MB, SHA-256 {info.sha256})"
        )


@voices_group.command("verify")
@click.argument("names", nargs=-1)
def verify_command(names: tuple[str, ...]) -> None:
    """Check installed voices without loading them.

    Checks all installed voices, or the named ones, and prints one line per
    voice; exits with status 2 if any is broken.
    """
    from audio_artigo.voices import local
    from audio_artigo.errors import VoiceError

    checks = local.check_installed(list(names) or None)
    if not checks:
        click.echo(f"no voices in {local.display(local.voices_dir())}", err=True)
        return
    for check in checks:
        if check.info is None:
            click.echo(f"broken  {check.problem}")
        else:
            info = check.info
            speakers = f"{info.num_speakers} speaker{'s' if info.num_speakers > 1 else ''}"
            click.echo(f"ok      {info.name} ({info.language}, {info.quality}, {info.sample_rate} Hz, {speakers})")
    broken = sum(1 for check in checks if check.problem)
    if broken:
        raise VoiceError(f"{broken} of {len(checks)} voice(s) broken")


@voices_group.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Delete an installed voice.

    Removes its model, config, install record and any unfinished download.
    """
    from audio_artigo.voices import local

    for path in local.remove(name):
        click.echo(f"removed {local.display(path)}")


def _echo_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


COMMANDS: list[click.Command] = [voices_group]
