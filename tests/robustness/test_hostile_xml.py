"""Hostile text through the real build, and XML that must not be expanded.

- Titles with ``& < > " ' ]]>``, control characters, non-characters and
  emoji, in plain text, Markdown and HTML articles: the built feed parses
  (lxml, gPodder's podcastparser, feedparser) and shows each title exactly
  as the reader read it, escaped once; so do the page, the JSON chapters and
  the MP3's tag.
- HTML articles carrying a DOCTYPE with entities (external files, a remote
  DTD, "billion laughs"), XInclude and processing instructions: read quickly,
  with no entity expanded, no file read and no connection made.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time

import feedparser
import podcastparser
from lxml import etree
from mutagen.id3 import ID3

from audio_artigo.podcast.config import xml_safe
from audio_artigo.sources.reader import read_article

from .builds import Site, run

HOSTILE = "Prefeito & vice <b>dizem</b> \"não\" e 'sim' ]]> fim\x01\x0b\x7f \ufffe\uffff 😀 <![CDATA[x]]> &amp;"
HOSTILE_ARTICLES = {
    "hostil-texto.txt": f"{HOSTILE}\n\nA prefeitura & a câmara <i>discutem</i> o orçamento.\n",
    "hostil-markdown.md": f"# {HOSTILE}\n\nA prefeitura & a câmara <i>discutem</i> o orçamento.\n\n## Seção ]]> & <x>\n\nMais texto.\n",
    "hostil-pagina.html": (
        "<html><head><title>T</title></head><body><article>"
        "<h1>Prefeito &amp; vice &lt;b&gt;dizem&lt;/b&gt; &quot;não&quot; e &#39;sim&#39; ]]&gt; fim&#1;&#xb; &#xD800;&#xFFFE; 😀</h1>"
        "<p>A prefeitura &amp; a câmara discutem o orçamento.</p>"
        "<h2>Seção ]]&gt; &amp; &lt;x&gt;</h2><p>Mais texto.</p></article></body></html>"
    ),
}


def test_hostile_titles_come_out_escaped_once_in_the_feed_the_page_and_the_tags(tmp_path, record_property):
    site = Site(tmp_path / "site")
    articles = []
    for name, text in HOSTILE_ARTICLES.items():
        articles.append(site.root / "articles" / name)
        articles[-1].write_text(text, encoding="utf-8")
    outcome = run(site, site.build_args(*articles))
    assert outcome.returncode == 0, outcome.describe()
    expected = {read_article(article).title for article in articles}
    assert all(xml_safe(title) == title for title in expected)
    assert any("<b>" in title and "]]>" in title and "😀" in title for title in expected)

    feed = (site.out / "feed.xml").read_bytes()
    items = etree.fromstring(feed).findall("channel/item")
    assert {item.findtext("title") for item in items} == expected
    assert {episode["title"] for episode in podcastparser.parse("http://x/feed.xml", io.BytesIO(feed))["episodes"]} == expected
    parsed = feedparser.parse(feed)  # its HTML sanitiser takes "<![CDATA[x]]>" out of titles: no title check
    assert not parsed.bozo and len(parsed.entries) == len(expected)

    page = etree.HTML((site.out / "index.html").read_bytes())
    assert {heading.xpath("string()") for heading in page.iter("h3")} == expected
    for item in items:
        audio = item.find("enclosure").get("url").rsplit("/", 1)[1]
        chapters_file = item.find("{https://podcastindex.org/namespace/1.0}chapters").get("url").rsplit("/", 1)[1]
        chapters = json.loads((site.out / chapters_file).read_text(encoding="utf-8"))["chapters"]
        assert chapters[0]["title"] == item.findtext("title")
        assert str(ID3(site.out / audio)["TIT2"]) == item.findtext("title")
    record_property("cases", len(articles))


class ConnectionCounter:
    """A TCP listener on 127.0.0.1 that counts the connections made to it (a parser fetching a DTD)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def entity_attacks(secret_file, port: int) -> dict[str, str]:
    """HTML articles that would read ``secret_file``, connect to ``port`` or blow up, were entities expanded."""
    laughs = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    body = "<body><article><h1>Título &ent;</h1><p>Texto &ent; do artigo.</p></article></body>"
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret_file}" parse="text"/>'
    return {
        "external file": f'<!DOCTYPE html [<!ENTITY ent SYSTEM "file://{secret_file}">]><html>{body}</html>',
        "billion laughs": f'<!DOCTYPE html [{laughs}<!ENTITY ent "&lol9;">]><html>{body}</html>',
        "remote DTD": f'<!DOCTYPE html SYSTEM "http://127.0.0.1:{port}/x.dtd"><html>{body}</html>',
        "parameter entity": f'<!DOCTYPE html [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p.dtd"> %remote;]><html>{body}</html>',
        "XHTML with an XML declaration": f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY ent SYSTEM "file://{secret_file}">]>'
        f'<html xmlns="http://www.w3.org/1999/xhtml">{body}</html>',
        "XInclude": f"<html>{body.replace('</article>', include + '</article>')}</html>",
        "stylesheet": f'<?xml-stylesheet href="http://127.0.0.1:{port}/s.xsl"?><html>{body}</html>',
    }


def test_html_articles_are_read_without_expanding_entities_or_loading_anything(tmp_path, record_property):
    secret = tmp_path / "secret.txt"
    secret.write_text("SEGREDO-DO-SERVIDOR", encoding="utf-8")
    listener = ConnectionCounter()
    attacks = entity_attacks(secret, listener.port)
    try:
        for name, html in attacks.items():
            path = tmp_path / "artigo.html"
            path.write_text(html, encoding="utf-8")
            started = time.process_time()
            article = read_article(path)
            assert time.process_time() - started < 2, name
            text = " ".join([article.title] + [block.text for section in article.sections for block in section.blocks])
            assert "SEGREDO" not in text and "lollol" not in text, name
            assert "Texto" in text, name
    finally:
        listener.listener.close()
    assert listener.connections == 0
    record_property("cases", len(attacks))
