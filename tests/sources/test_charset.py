"""A page's bytes -> text (sources/charset.py), for fetched pages and saved .html files alike."""

from __future__ import annotations

import pytest

from audio_artigo.sources.charset import decode_html
from audio_artigo.sources.reader import read_article

TEXT = "Coração, ação e pão: a eleição de março já começou à tarde."
FILLER = "<!-- " + "x" * 3000 + " -->"  # pushes a late <meta> past the first 1024 bytes


def page(charset_meta: str = "", late: bool = False) -> str:
    head = f"<head>{FILLER if late else ''}{charset_meta}<title>Título</title></head>"
    return f"<html>{head}<body><article><h1>Eleição</h1><p>{TEXT}</p></article></body></html>"


@pytest.mark.parametrize(
    ("data", "header", "case"),
    [
        (page('<meta charset="iso-8859-1">').encode("utf-8"), None, "declares iso-8859-1 in <meta>, is UTF-8"),
        (page().encode("utf-8"), "iso-8859-1", "the header says iso-8859-1, is UTF-8"),
        (page('<meta charset="iso-8859-1">').encode("cp1252"), None, "Latin-1, declared in <meta>"),
        (page('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', late=True).encode("cp1252"), None, "late http-equiv meta"),
        (page().encode("cp1252"), "iso-8859-1", "Latin-1, declared in the header only"),
        (page('<meta charset="utf-8">').encode("cp1252"), "utf-8", "declares UTF-8 everywhere, is Latin-1"),
        (page().encode("cp1252"), None, "Latin-1 with no declaration at all"),
        ("\ufeff".encode("utf-16-le") + page().encode("utf-16-le"), None, "UTF-16 with a BOM"),
        (b"\xef\xbb\xbf" + page('<meta charset="iso-8859-1">').encode("utf-8"), None, "UTF-8 BOM over a wrong declaration"),
        (page('<meta charset="utf-16">').encode("cp1252"), None, "declares UTF-16 without a BOM, is Latin-1"),
    ],
)
def test_the_page_reads_right_whatever_it_declares(data, header, case):
    assert TEXT in decode_html(data, header), case


def test_a_saved_latin1_page_reads_right(tmp_path):
    path = tmp_path / "pagina.html"
    path.write_bytes(page('<meta charset="iso-8859-1">', late=True).encode("latin-1"))
    article = read_article(path)
    assert article.title == "Eleição"
    assert article.sections[0].blocks[0].text == TEXT


def test_a_saved_utf8_page_that_declares_latin1_reads_right(tmp_path):
    path = tmp_path / "pagina.htm"
    path.write_bytes(page('<meta charset="iso-8859-1">').encode("utf-8"))
    assert read_article(path).sections[0].blocks[0].text == TEXT


def test_a_cyrillic_page_without_a_declaration_is_still_guessed():
    text = "Привет, это новости города: сегодня идёт сильный дождь, и движение перекрыто."
    assert text in decode_html(f"<html><body><p>{text}</p></body></html>".encode("cp1251"))
