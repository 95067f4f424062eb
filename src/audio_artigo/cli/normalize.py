"""CLI commands: normalize (see audio_artigo.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _read_input(file: Path | None) -> str:
    from audio_artigo.errors import InputError

    if file is None or str(file) == "-":
        return sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        return file.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        raise InputError(f"{file}: file not found") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read it ({exc.strerror or exc})") from None


def _lines(text: str) -> list[str]:
    """Input lines split on newlines only, so there is one output line per input line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _write(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    sys.stdout.buffer.flush()


def _check(case_files: tuple[Path, ...], lexicon) -> None:
    from audio_artigo.normalize import check_cases

    failed = total = 0
    for path in case_files:
        report = check_cases(path, lexicon)
        for failure in report.failures:
            case = failure.case
            click.echo(f"FAIL {path}:{case.line}: {case.input}")
            click.echo(f"  expected: {case.accepted[0]}")
            for alternative in case.accepted[1:]:
                click.echo(f"        or: {alternative}")
            click.echo(f"       got: {failure.got}")
        click.echo(f"{path}: {report.passed} passed, {len(report.failures)} failed")
        failed += len(report.failures)
        total += report.total
    if len(case_files) > 1:
        click.echo(f"total: {total - failed} passed, {failed} failed")
    if failed:
        sys.exit(1)


def _explain(lines: list[str], lexicon) -> None:
    from audio_artigo.normalize import explain, normalize

    out = []
    for line in lines:
        out.append(f"< {line}")
        for reading in explain(line, lexicon):
            doubt = f"  ({reading.doubt})" if reading.doubt else ""
            out.append(f"  {reading.rule:<12} {reading.token!r} -> {reading.spoken!r}{doubt}")
        out.append(f"> {normalize(line, lexicon)}")
    _write("\n".join(out) + "\n" if out else "")


def _report(ref: str, lexicon, as_json: bool) -> None:
    from audio_artigo.normalize.review import format_review, review

    result = review(ref, lexicon)
    if as_json:
        import json

        _write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _write(format_review(result))


@click.command("normalize")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--explain", "show_rules", is_flag=True, help="Show, per token, the rule that read it and how it is spoken.")
@click.option("--check", "case_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              metavar="CASES", help="Run a case file (input~expected[~alternative] lines); exit 1 if any case fails. Repeatable.")
@click.option("--report", "report_ref", metavar="ARTICLE|URL",
              help="Pronunciation review of an article (file or URL): the acronyms, capitals, foreign names and "
                   "fallback readings to check before synthesis, each with its count, first sentence and reading.")
@click.option("--json", "as_json", is_flag=True, help="With --report: the review as JSON (see the README).")
@click.option("--lexicon", type=click.Path(dir_okay=False, path_type=Path),
              help="User lexicon (TSV, TOML or PLS .pls): word -> spoken text, [[phonemes]] or IPA, applied before the rules.")
def normalize_command(file: Path | None, show_rules: bool, case_files: tuple[Path, ...], report_ref: str | None,
                      as_json: bool, lexicon: Path | None) -> None:
    """Write FILE (default, or "-": standard input) as it is spoken, one output line per input line."""
    from audio_artigo.normalize import load_lexicon, normalize

    if as_json and not report_ref:
        raise click.UsageError("--json goes with --report")
    if report_ref and (file or case_files or show_rules):
        raise click.UsageError("--report reads its own article: give no FILE, --check or --explain with it")
    user_lexicon = load_lexicon(lexicon) if lexicon else None
    if report_ref:
        _report(report_ref, user_lexicon, as_json)
        return
    if case_files:
        _check(case_files, user_lexicon)
        return
    lines = _lines(_read_input(file))
    if show_rules:
        _explain(lines, user_lexicon)
        return
    _write("".join(normalize(line, user_lexicon) + "\n" for line in lines))


COMMANDS: list[click.Command] = [normalize_command]
