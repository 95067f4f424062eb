"""Reading an article file (plain text, Markdown or HTML) into an Article.

All three formats give the same shape: a title, sections of blocks
(paragraphs, list items, block quotations), an identity and a byline.

- Plain text (.txt): the first non-empty line is the title; each line is a
  paragraph, and "- ", "• " or "* " lines are list items. A hard-wrapped file
  (no line over 100 characters, and lines broken in mid-sentence) has
  paragraphs separated by blank lines instead.
- Markdown (.md, .markdown): the first "#" heading is the title, "##" (and
  further "#") headings start sections, deeper headings are paragraphs;
  ">" quotations, lists, and the text of emphasis, links and code (images
  are dropped). YAML front matter gives the title, author and canonical URL
  when the body does not.
- HTML (.html, .htm): a whole news page, read by ``page`` (trafilatura
  and the DOM reader reconciled block by block, page furniture dropped,
  the headline and the page's metadata: see that module).

The byline ("Por Fulana de Tal" among the first blocks, or the page's author
element or metadata) goes to ``Article.byline`` as "Por Fulana de Tal" and
out of the body. The identity is the canonical URL (HTML <link
rel="canonical"> or og:url; Markdown front matter) or else the file stem.
``article_from_text`` is the entry point for text already decoded (a fetched
page); ``read_article`` reads a file into it.

Text is decoded as UTF-8 (a BOM is accepted; a NUL byte in the first 8000
bytes makes the file binary, a stray one later on is a control character), put
in NFC, and its control characters (also those written as HTML or Markdown
character references) become spaces; within a block, white space is collapsed
to single spaces.
Anything that cannot be read raises InputError with a one-line message naming
the file; nothing else is raised, whatever the input.
"""

from __future__ import annotations

from pathlib import Path

from audio_artigo.errors import InputError
from audio_artigo.model import Article, Block, BlockKind, Section
from audio_artigo.sources.text import (
    BYLINE_SEARCH_BLOCKS,
    Parsed,
    SectionBuilder,
    byline_from_name,
    byline_line,
    clean,
    collapse,
)

FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
HARD_WRAP_WIDTH = 100
"""A plain text file whose lines are all this short may be hard-wrapped."""

_LIST_MARKERS = ("- ", "• ", "* ")
_SENTENCE_END = ".!?…:;”»\")"

def read_article(path: Path) -> Article:
    """Read a .txt, .md/.markdown or .html/.htm article; InputError if it cannot be read."""
    path = Path(path)
    name = str(path) if str(path).isprintable() else repr(str(path))
    text = _read_text(path, name)
    return article_from_text(text, FORMATS[path.suffix.lower()], name, source=str(path), default_identity=path.stem)


def article_from_text(
    text: str, article_format: str, name: str, source: str, default_identity: str, url: str | None = None
) -> Article:
    """An article from its decoded text (``article_format``: text, markdown or html).

    ``name`` is how messages name the input; ``source`` is recorded as where
    the article came from; ``default_identity`` is its identity when the text
    names no canonical URL; ``url`` is the address the text was fetched from,
    against which a page's relative links (canonical URL, lead image) resolve.
    """
    text = clean(text)
    if article_format == "html":
        from audio_artigo.sources.page import parse_page

        parsed = parse_page(text, name, url)
    else:
        parsed = {"text": _parse_text, "markdown": _parse_markdown}[article_format](text, name)

    sections = [section for section in parsed.sections if section.title or section.blocks]
    title = parsed.title
    if not title and sections:
        title = _take_first_block(sections)
    found_byline = _take_byline(sections)
    if not title or not any(section.blocks for section in sections):
        raise InputError(f"{name}: no article text found (a title and at least one paragraph are needed)")
    return Article(
        title=title,
        sections=sections,
        source=source,
        identity=parsed.identity or default_identity,
        format=article_format,
        byline=found_byline or parsed.byline,  # the visible byline before meta tags and front matter
        url=url,
        canonical_url=parsed.canonical_url,
        authors=parsed.authors,
        published=parsed.published,
        site_name=parsed.site_name,
        image_url=parsed.image_url,
    )


# -- Bytes to text -------------------------------------------------------------


def _read_text(path: Path, name: str) -> str:
    try:
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not an article file")
        if path.suffix.lower() not in FORMATS:
            raise InputError(f"{name}: unknown article format {path.suffix or '(no extension)'!r}; use .txt, .md, .markdown, .html or .htm")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InputError(f"{name}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    if FORMATS[path.suffix.lower()] == "html":
        return page_text(data, name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: UTF-16 text; save it as UTF-8")
    from audio_artigo.sources.charset import BINARY_SNIFF_BYTES

    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise InputError(f"{name}: a binary file (it contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    return text


def page_text(data: bytes, name: str, declared_charset: str | None = None) -> str:
    """A web page's bytes (saved or fetched) as text, in whatever charset it is (see charset.py);
    ``article_from_text`` cleans it."""
    from audio_artigo.sources.charset import decode_html, looks_binary

    if looks_binary(data):
        raise InputError(f"{name}: binary content (it contains NUL bytes), not a web page")
    return decode_html(data, declared_charset)


# -- Plain text ----------------------------------------------------------------


def _parse_text(text: str, name: str) -> Parsed:
    lines = [line.strip() for line in text.split("\n")]
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        return Parsed()
    body = lines[first + 1 :]
    hard_wrapped = _looks_hard_wrapped(body)
    blocks: list[Block] = []
    after_blank = True
    for line in body:
        if not line:
            after_blank = True
            continue
        marker = _list_marker(line)
        if marker:
            blocks.append(Block("list_item", collapse(line[len(marker) :])))
        elif hard_wrapped and not after_blank and blocks:
            blocks[-1] = Block(blocks[-1].kind, f"{blocks[-1].text} {collapse(line)}")
        else:
            blocks.append(Block("paragraph", collapse(line)))
        after_blank = False
    return Parsed(title=collapse(lines[first]), sections=[Section(None, blocks)])


def _list_marker(line: str) -> str | None:
    return next((marker for marker in _LIST_MARKERS if line.startswith(marker)), None)


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Lines all short, and some line broken in mid-sentence with the paragraph
    going on in the next one (a file of one paragraph per line has neither)."""
    prose = [line for line in lines if line and not _list_marker(line)]
    if not prose or max(map(len, prose)) > HARD_WRAP_WIDTH:
        return False
    return any(
        line and following and not _list_marker(line) and not _list_marker(following) and line[-1] not in _SENTENCE_END
        for line, following in zip(lines, lines[1:])
    )


# -- Markdown ------------------------------------------------------------------


def _parse_markdown(text: str, name: str) -> Parsed:
    from markdown_it import MarkdownIt

    meta, text = _split_front_matter(text)
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    builder = SectionBuilder()
    title = ""
    containers: list[str] = []  # open blockquotes and list items, innermost last
    heading_level = 0
    table_row: list[str] | None = None
    for token in parser.parse(text):
        if token.type in ("blockquote_open", "list_item_open"):
            containers.append(token.type)
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type == "tr_open":
            table_row = []
        elif token.type == "tr_close":
            builder.add(_container_kind(containers), "; ".join(cell for cell in table_row or [] if cell))
            table_row = None
        elif token.type == "inline":
            content = _markdown_inline_text(token.children or [])
            if table_row is not None:
                table_row.append(content)
            elif heading_level == 1 and not title:
                title = content
            elif heading_level in (1, 2):
                builder.start_section(content)
            else:
                builder.add(_container_kind(containers), content)
        elif token.type in ("fence", "code_block"):
            builder.add(_container_kind(containers), collapse(token.content))
        elif token.type == "html_block":
            for kind, block_text in _html_fragment_blocks(token.content):
                builder.add(kind, block_text)
    return Parsed(
        title=title or collapse(meta.get("title", "")),
        sections=builder.sections,
        identity=_front_matter_url(meta),
        byline=byline_from_name(meta.get("author", "")),
        canonical_url=_front_matter_url(meta) or None,
        authors=[collapse(meta["author"])] if collapse(meta.get("author", "")) else [],
    )


def _container_kind(containers: list[str]) -> BlockKind:
    if "blockquote_open" in containers:
        return "blockquote"
    return "list_item" if containers else "paragraph"


def _markdown_inline_text(children) -> str:
    """The words of an inline run: emphasis, link and code marks dropped, images left out."""
    parts = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            tag = child.content.strip().lower()
            parts.append({"<q>": "“", "</q>": "”"}.get(tag, " " if tag.startswith("<br") else ""))
        elif child.type != "image":
            parts.append(child.content)  # text, code; "" for the marks of emphasis and links
    return collapse("".join(parts))


def _html_fragment_blocks(html: str) -> list[tuple[BlockKind, str]]:
    """The blocks of a piece of HTML inside Markdown (headings become paragraphs)."""
    from audio_artigo.sources import dom

    tree = dom.soup(html, "HTML block")
    dom.drop_non_article(tree)
    return [("paragraph" if piece.kind == "heading" else piece.kind, piece.text) for piece in dom.Collector().walk(tree)]  # type: ignore[misc]


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter ("---", "key: value" lines, "---") and the text after it."""
    lines = text.split("\n", 200)
    if lines[0].strip() != "---":
        return {}, text
    for end, line in enumerate(lines[1:200], start=1):
        if line.strip() in ("---", "..."):
            meta = {}
            for entry in lines[1:end]:
                key, colon, value = entry.partition(":")
                if colon and key.strip() and " " not in key.strip():
                    meta[key.strip().lower()] = value.strip().strip("'\"")
                elif entry.strip() and not entry[:1].isspace() and not entry.startswith("- "):
                    return {}, text  # not YAML: an ordinary horizontal rule
            return meta, "\n".join(lines[end + 1 :])
    return {}, text


def _front_matter_url(meta: dict[str, str]) -> str:
    for key in ("canonical", "canonical_url", "canonicalurl", "url"):
        if meta.get(key, "").startswith(("http://", "https://")):
            return meta[key]
    return ""


# -- Shared by the formats -----------------------------------------------------


def _take_first_block(sections: list[Section]) -> str:
    """No title: the first block (or heading) is the title."""
    first = sections[0]
    if first.title:
        title, first.title = first.title, None
        return title
    return first.blocks.pop(0).text if first.blocks else ""


def _take_byline(sections: list[Section]) -> str | None:
    """Take a "Por Fulana de Tal" block out of the first blocks of the body."""
    if not sections:
        return None
    blocks = sections[0].blocks
    for index, block in enumerate(blocks[:BYLINE_SEARCH_BLOCKS]):
        byline = byline_line(block.text)
        if byline:
            del blocks[index]
            return byline
    return None
