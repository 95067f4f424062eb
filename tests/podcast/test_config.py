"""podcast.toml, the cover, and the init and feed commands."""

from __future__ import annotations

import io
import tomllib
import uuid
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from audio_artigo.cli import main
from audio_artigo.errors import ConfigError
from audio_artigo.podcast.feed import write_feed
from audio_artigo.podcast.config import (
    DEFAULT_BASE_URL,
    PodcastConfig,
    load_config,
    read_config,
    with_overrides,
    write_default_config,
    xml_safe,
)
from audio_artigo.podcast.publish import publish

from .episodes import stage_episode

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def run_cli(*args: str) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(list(args))
    return exit_.value.code


def test_without_a_file_the_defaults_apply(out_dir):
    config = load_config(out_dir)
    assert config == PodcastConfig()
    assert (config.language, config.category, config.explicit) == ("pt-BR", "News", False)
    assert config.feed_url == DEFAULT_BASE_URL + "feed.xml" == "http://127.0.0.1:8000/feed.xml"


def test_the_output_folder_file_wins_over_the_current_folder(out_dir):
    write_default_config(out_dir.parent / "cwd" / "podcast.toml", title="Do diretório atual")
    assert load_config(out_dir).title == "Do diretório atual"

    write_default_config(out_dir / "podcast.toml", title="Da pasta de saída")
    assert load_config(out_dir).title == "Da pasta de saída"


def test_invalid_toml_names_the_file_and_the_line(out_dir):
    path = out_dir / "podcast.toml"
    path.write_text('title = "Jornal"\n\nauthor = Redação sem aspas\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(out_dir)
    assert str(path) in str(error.value) and "line 3" in str(error.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ('titel = "x"', "unknown setting 'titel'"),
        ("explicit = 1", "explicit must be true or false"),
        ("title = 3", "title must be a quoted string"),
        ('title = "  "', "title must not be empty"),
        ('category = "Notícias"', "is not an Apple Podcasts category"),
        ('email = "redacao"', "is not an e-mail address"),
        ('base_url = "example.org/podcast"', "must be an http:// or https:// address"),
        ('base_url = "https://example.org/?x=1"', "must be an http:// or https:// address"),
        ('cover = "missing.png"', "does not exist"),
        ('quote_voices = "pt_BR-cadu-medium"', "quote_voices must be a list of quoted strings"),
        ("quote_voices = [1, 2]", "quote_voices must be a list of voice names or paths"),
        ('quote_voices = ["pt_BR-cadu-medium", " "]', "quote_voices must be a list of voice names or paths"),
    ],
)
def test_invalid_settings_are_config_errors_naming_the_file(out_dir, text, message):
    path = out_dir / "podcast.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as error:
        read_config(path)
    assert str(path) in str(error.value)


def test_quote_voices_are_names_or_paths_from_the_files_folder(out_dir):
    path = out_dir / "podcast.toml"
    path.write_text('quote_voices = ["pt_BR-cadu-medium", "vozes/minha.onnx", "pt_BR-jeff-medium"]\n', encoding="utf-8")
    assert read_config(path).quote_voices == ("pt_BR-cadu-medium", str((out_dir / "vozes" / "minha.onnx").resolve()), "pt_BR-jeff-medium")
    write_default_config(path, quote_voices=["pt_BR-jeff-medium", "pt_BR-edresson-low"])
    assert "quote_voices = [\"pt_BR-jeff-medium\", \"pt_BR-edresson-low\"]" in path.read_text(encoding="utf-8")
    assert read_config(path).quote_voices == ("pt_BR-jeff-medium", "pt_BR-edresson-low")


def test_base_url_gets_its_trailing_slash(out_dir):
    (out_dir / "podcast.toml").write_text('base_url = "https://example.org/podcast"\n', encoding="utf-8")
    config = load_config(out_dir)
    assert config.feed_url == "https://example.org/podcast/feed.xml"


def save_image(path, size, image_format="PNG", height=None):
    Image.new("RGB", (size, height or size), "#335577").save(path, image_format)


@pytest.mark.parametrize(
    "size, height, image_format, message",
    [(1000, None, "PNG", "1000x1000"), (1400, 1500, "PNG", "1400x1500"), (3200, None, "JPEG", "3200x3200"),
     (1400, None, "GIF", "GIF")],
)  # fmt: skip
def test_covers_apple_would_reject_are_config_errors(out_dir, size, height, image_format, message):
    save_image(out_dir / "capa.img", size, image_format, height)
    (out_dir / "podcast.toml").write_text('cover = "capa.img"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(out_dir)


def test_a_configured_cover_is_published_under_a_name_that_changes_with_it(out_dir):
    save_image(out_dir.parent / "capa.jpg", 1400, "JPEG")
    (out_dir / "podcast.toml").write_text('cover = "../capa.jpg"\n', encoding="utf-8")
    write_feed(out_dir, load_config(out_dir))
    href = etree.parse(str(out_dir / "feed.xml")).find(f"channel/{ITUNES}image").get("href")
    first = href.rsplit("/", 1)[1]
    assert first.startswith("cover-") and first.endswith(".jpg")
    assert (out_dir / first).read_bytes() == (out_dir.parent / "capa.jpg").read_bytes()

    Image.new("RGB", (1400, 1400), "#aa0000").save(out_dir.parent / "capa.jpg", "JPEG")
    write_feed(out_dir, load_config(out_dir))
    second = etree.parse(str(out_dir / "feed.xml")).find(f"channel/{ITUNES}image").get("href").rsplit("/", 1)[1]
    assert second != first and (out_dir / first).exists(), "a published URL keeps its bytes"


def test_the_generated_cover_is_a_square_png_apple_accepts(out_dir):
    write_feed(out_dir, PodcastConfig(title="Jornal da Manhã"))
    (cover,) = out_dir.glob("cover-*.png")
    with Image.open(cover) as image:
        assert image.format == "PNG" and image.size == (1400, 1400)
    write_feed(out_dir, PodcastConfig(title="Outro título"))
    assert len(list(out_dir.glob("cover-*.png"))) == 2


def test_the_show_guid_survives_a_move_once_the_feed_is_public(out_dir):
    local = PodcastConfig()
    public = PodcastConfig(base_url="https://example.org/podcast/")
    moved = PodcastConfig(base_url="https://podcast.example.net/")

    def show_guid(config):
        write_feed(out_dir, config)
        return etree.parse(str(out_dir / "feed.xml")).findtext("channel/{https://podcastindex.org/namespace/1.0}guid")

    assert show_guid(local) == str(local.podcast_guid())  # a local trial: not stored
    assert show_guid(public) == str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "example.org/podcast/feed.xml"))
    assert show_guid(moved) == show_guid(public)


def test_init_writes_a_commented_file_with_every_flag(out_dir):
    save_image(out_dir.parent / "cwd" / "capa.png", 1500)
    code = run_cli(
        "init", "--title", "Jornal \"Falado\" \\ 2", "--description", "Notícias.", "--author", "Redação",
        "--email", "podcast@example.org", "--language", "pt-PT", "--category", "Technology", "--explicit",
        "--cover", "capa.png", "--base-url", "https://example.org/p",
    )  # fmt: skip
    assert code == 0
    text = (out_dir.parent / "cwd" / "podcast.toml").read_text(encoding="utf-8")
    assert text.count("\n# ") > 10

    config = load_config(out_dir)
    assert (config.title, config.description, config.author, config.email) == (
        'Jornal "Falado" \\ 2', "Notícias.", "Redação", "podcast@example.org",
    )  # fmt: skip
    assert (config.language, config.category, config.explicit) == ("pt-PT", "Technology", True)
    assert config.cover == (out_dir.parent / "cwd" / "capa.png").resolve()
    assert config.base_url == "https://example.org/p/"


def test_init_without_flags_writes_the_defaults_and_refuses_to_overwrite(out_dir, capsys):
    assert run_cli("init") == 0
    path = out_dir.parent / "cwd" / "podcast.toml"
    assert read_config(path) == PodcastConfig(source=path)

    path.write_text('title = "Meu"\n', encoding="utf-8")
    assert run_cli("init", "--title", "Outro") == 2
    assert "already exists" in capsys.readouterr().err
    assert read_config(path).title == "Meu"

    assert run_cli("init", "--title", "Outro", "--force") == 0
    assert read_config(path).title == "Outro"


def test_init_refuses_an_invalid_setting_before_writing(out_dir, capsys):
    assert run_cli("init", "--category", "Fofoca") == 2
    assert "Apple Podcasts category" in capsys.readouterr().err
    assert not (out_dir.parent / "cwd" / "podcast.toml").exists()


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1).filter(lambda text: xml_safe(text).strip()))
def test_any_title_survives_the_round_trip_through_podcast_toml(tmp_path_factory, title):
    path = tmp_path_factory.mktemp("toml") / "podcast.toml"
    write_default_config(path, title=title)
    tomllib.loads(path.read_text(encoding="utf-8"))
    assert read_config(path).title == xml_safe(title).strip()


def test_the_feed_command_rewrites_the_feed_and_notes_the_local_address(out_dir, capsys):
    publish(out_dir, stage_episode(out_dir, "artigo-a"))
    (out_dir / "feed.xml").unlink()
    (out_dir / "index.html").unlink()

    assert run_cli("feed", "--dir", str(out_dir)) == 0

    captured = capsys.readouterr()
    assert "http://127.0.0.1:8000/feed.xml" in captured.out
    assert "no base_url" in captured.err
    assert len(etree.parse(str(out_dir / "feed.xml")).findall("channel/item")) == 1
    assert (out_dir / "index.html").is_file()


def test_the_feed_command_on_an_empty_folder_writes_an_empty_valid_feed(out_dir):
    assert run_cli("feed", "--dir", str(out_dir)) == 0
    root = etree.parse(str(out_dir / "feed.xml")).getroot()
    assert root.find("channel/title").text == "audio-artigo" and root.findall("channel/item") == []


def test_the_feed_command_on_a_missing_folder_is_an_error(tmp_path, capsys):
    assert run_cli("feed", "--dir", str(tmp_path / "missing")) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_the_config_title_is_cleaned_like_article_text(out_dir):
    (out_dir / "podcast.toml").write_text('title = "Jornal\\u0001 & <Cia>"\n', encoding="utf-8")
    write_feed(out_dir, load_config(out_dir))
    root = etree.parse(io.BytesIO((out_dir / "feed.xml").read_bytes())).getroot()
    assert root.findtext("channel/title") == "Jornal & <Cia>"


# The show's frame and sound ------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ('intro = "Você está ouvindo {programa}."', "intro: unknown placeholder {programa} (known: {show}, {title}"),
        ('outro = "Até {title!r}."', "outro: placeholder {title} takes no format"),
        ('intro = "Chaves { soltas"', "(a literal brace is written twice: {{ or }})"),
        ('correction_note = "Corrigido em {date} por {author}."', "correction_note: unknown placeholder {author} (known: {date}, {time})"),
        ('intro_audio = "vinheta.wav"', "vinheta.wav does not exist"),
        ('music_bed = "trilha.mp3"', "trilha.mp3 does not exist"),
        ('loudness_lufs = "-16"', "loudness_lufs must be a number"),
        ("loudness_lufs = -5", "loudness_lufs: -5 is outside -30 to -10"),
        ("true_peak_dbtp = 1.5", "true_peak_dbtp: 1.5 is outside -9 to 0"),
        ("speed = 0", "speed: 0 is outside 0.5 to 2"),
        ("speed = true", "speed must be a number"),
        ('timezone = "America/Recife_"', "timezone: 'America/Recife_' is not a time zone"),
    ],
)
def test_invalid_show_settings_are_one_line_config_errors(out_dir, text, message):
    path = out_dir / "podcast.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_config(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value) and "\n" not in str(error.value)


def test_the_show_settings_round_trip_through_init_and_name_their_files_relative_to_the_toml(out_dir):
    (out_dir / "vinheta.ogg").write_bytes(b"")
    path = out_dir / "podcast.toml"
    write_default_config(
        path, intro="Você está ouvindo {show}. {title}.", outro="Até amanhã.", disclosure="", intro_audio="vinheta.ogg",
        loudness_lufs=-19, true_peak_dbtp=-1.5, speed=1.1, timezone="America/Manaus", correction_note="Corrigido em {date}.",
    )  # fmt: skip
    text = path.read_text(encoding="utf-8")
    assert "loudness_lufs = -19\n" in text and 'intro_audio = "vinheta.ogg"\n' in text and 'outro_audio = ""\n' in text
    config = read_config(path)
    assert (config.intro, config.outro, config.disclosure) == ("Você está ouvindo {show}. {title}.", "Até amanhã.", "")
    assert config.intro_audio == (out_dir / "vinheta.ogg").resolve() and config.outro_audio is None
    assert (config.loudness_lufs, config.true_peak_dbtp, config.speed) == (-19.0, -1.5, 1.1)
    assert (config.timezone, config.correction_note) == ("America/Manaus", "Corrigido em {date}.")


def test_init_writes_every_show_setting_with_its_default(out_dir):
    assert run_cli("init") == 0
    settings = tomllib.loads((out_dir.parent / "cwd" / "podcast.toml").read_text(encoding="utf-8"))
    assert settings["intro"] == settings["outro"] == settings["intro_audio"] == settings["music_bed"] == ""
    assert settings["disclosure"] == PodcastConfig().disclosure and "voz sintética" in settings["disclosure"]
    assert (settings["loudness_lufs"], settings["true_peak_dbtp"], settings["speed"]) == (-16, -1, 1)
    assert settings["timezone"] == "America/Sao_Paulo"
    assert settings["correction_note"] == "Corrigido em {date}, {time}: o áudio foi atualizado com o texto corrigido."


def test_a_builds_own_show_settings_override_the_files_and_name_the_option(out_dir):
    config = PodcastConfig(intro="Olá.", loudness_lufs=-16)
    assert with_overrides(config, {"intro": None, "loudness_lufs": -19.0, "outro": ""}) == replace(
        config, loudness_lufs=-19.0, outro=""
    )
    (out_dir.parent / "cwd" / "vinheta.flac").write_bytes(b"")
    assert with_overrides(config, {"outro_audio": "vinheta.flac"}).outro_audio == (out_dir.parent / "cwd" / "vinheta.flac").resolve()
    with pytest.raises(ConfigError, match=r"^--music-bed: \S*/sumida.ogg does not exist$"):
        with_overrides(config, {"music_bed": "sumida.ogg"})
    with pytest.raises(ConfigError, match=r"^--intro: unknown placeholder \{titulo\}"):
        with_overrides(config, {"intro": "{titulo}"})
