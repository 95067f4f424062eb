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
- HTML (.html, .htm): the <article> (or <main>, or <body>) of a news page;
  title from its <h1> (or og:title, or <title> without " | Site"), sections
  from <h2>, inline <q> turned into “…”; navigation, asides, page headers
  and footers, forms, scripts, styles, figure captions and hidden elements
  are dropped. Parsed by BeautifulSoup over lxml, which loads nothing from
  the network and expands no entities beyond HTML's own.

The byline ("Por Fulana de Tal" among the first blocks, or the page's author
element or meta tag) goes to ``Article.byline`` as "Por Fulana de Tal" and
out of the body. The identity is the canonical URL (HTML <link
rel="canonical"> or og:url; Markdown front matter) or else the file stem.

Text is decoded as UTF-8 (a BOM is accepted), put in NFC, and its control
characters (also those written as HTML or Markdown character references)
become spaces; within a block, white space is collapsed to single spaces.
Anything that cannot be read raises InputError with a one-line message naming
the file; nothing else is raised, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from audio_artigo.errors import InputError
from audio_artigo.model import Article, Block, BlockKind, Section

FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
HARD_WRAP_WIDTH = 100
"""A plain text file whose lines are all this short may be hard-wrapped."""
BYLINE_SEARCH_BLOCKS = 3
"""The byline is looked for among the first blocks of the body only."""

_LIST_MARKERS = ("- ", "• ", "* ")
_SENTENCE_END = ".!?…:;”»\")"
_NAME_PARTICLES = frozenset({"de", "da", "do", "das", "dos", "e", "di", "del", "della", "du", "van", "von", "y"})
_BYLINE_NAME_END = re.compile(r"\s*[,|—–(/]")

# Control characters become spaces (line breaks stay line breaks); a BOM or
# soft hyphen in the middle of the text is dropped, and so are the two
# non-characters XML forbids.
_CHARACTER_FIXES = {code: " " for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_CHARACTER_FIXES.update({ord("\t"): " ", ord("\n"): "\n", ord("\f"): "\n", 0x85: "\n", 0x2028: "\n", 0x2029: "\n"})
_CHARACTER_FIXES.update({0xFEFF: None, 0xAD: None, 0xFFFE: None, 0xFFFF: None})


@dataclass
class _Parsed:
    """What a format parser found; read_article finishes the Article."""

    title: str = ""
    sections: list[Section] = field(default_factory=lambda: [Section(None)])
    identity: str = ""
    byline: str | None = None


def read_article(path: Path) -> Article:
    """Read a .txt, .md/.markdown or .html/.htm article; InputError if it cannot be read."""
    path = Path(path)
    name = str(path) if str(path).isprintable() else repr(str(path))
    text = _read_text(path, name)
    return article_from_text(text, FORMATS[path.suffix.lower()], name, source=str(path), default_identity=path.stem)


def article_from_text(text: str, article_format: str, name: str, source: str, default_identity: str) -> Article:
    """An article from its decoded text (``article_format``: text, markdown or html).

    ``name`` is how messages name the input; ``source`` is recorded as where
    the article came from; ``default_identity`` is its identity when the text
    names no canonical URL.
    """
    parse = {"text": _parse_text, "markdown": _parse_markdown, "html": _parse_html}[article_format]
    parsed = parse(text, name)

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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(f"{name}: a binary file (it contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CHARACTER_FIXES)
    return unicodedata.normalize("NFC", text)


def _collapse(text: str) -> str:
    """White space collapsed; the character fixes again for what HTML and Markdown
    character references (``&#1;``) bring in after the file was decoded."""
    return " ".join(text.translate(_CHARACTER_FIXES).split())


# -- Plain text ----------------------------------------------------------------


def _parse_text(text: str, name: str) -> _Parsed:
    lines = [line.strip() for line in text.split("\n")]
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        return _Parsed()
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
            blocks.append(Block("list_item", _collapse(line[len(marker) :])))
        elif hard_wrapped and not after_blank and blocks:
            blocks[-1] = Block(blocks[-1].kind, f"{blocks[-1].text} {_collapse(line)}")
        else:
            blocks.append(Block("paragraph", _collapse(line)))
        after_blank = False
    return _Parsed(title=_collapse(lines[first]), sections=[Section(None, blocks)])


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


def _parse_markdown(text: str, name: str) -> _Parsed:
    from markdown_it import MarkdownIt

    meta, text = _split_front_matter(text)
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    builder = _SectionBuilder()
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
            builder.add(_container_kind(containers), _collapse(token.content))
        elif token.type == "html_block":
            for block in _html_fragment_blocks(token.content):
                builder.add(block.kind, block.text)
    return _Parsed(
        title=title or _collapse(meta.get("title", "")),
        sections=builder.sections,
        identity=_front_matter_url(meta),
        byline=_byline_from_name(meta.get("author", "")),
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
    return _collapse("".join(parts))


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


# -- HTML ----------------------------------------------------------------------

# Elements that start and end a block of text (the others are inline).
_HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody tfoot thead "
    "tr ul".split()
)
_HTML_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Never part of the article's text.
_HTML_DROPPED = [
    "script", "style", "noscript", "template", "form", "nav", "aside", "figcaption", "iframe", "svg", "math",
    "canvas", "video", "audio", "object", "embed", "button", "select", "textarea", "input", "img", "picture",
    "map", "dialog", "menu",
]  # fmt: skip
_BYLINE_CLASSES = ("byline", "author", "autor", "assinatura")
_BYLINE_MAX_CHARS = 120
_ARTICLES_COMPARED = 20
_BEFORE_TITLE_MAX_WORDS = 30
"""Text this short before the headline is a kicker or breadcrumbs ("Economia > Agro"), not the article."""
_SUBTITLE_MIN_WORDS = 7
"""An <h2> right under the headline and this long is the subtitle, not a section heading."""
_LINE_BREAK = object()


def _parse_html(text: str, name: str) -> _Parsed:
    soup = _soup(text, name)
    root = _content_root(soup)
    heading = root.find("h1") or soup.find("h1")
    if heading is not None and root.name == "article":
        root = _with_headline(root, heading)
    title = _element_text(heading) if heading else ""
    title = title or _meta(soup, property="og:title") or _page_title(soup)
    _drop_non_article(root)
    byline = _take_byline_elements(root) or _byline_from_name(_meta(soup, name="author"))
    collector = _HtmlCollector(title_element=heading)
    collector.walk(root)
    return _Parsed(title=title, sections=collector.sections, identity=_canonical_url(soup), byline=byline)


def _html_fragment_blocks(html: str) -> list[Block]:
    """The blocks of a piece of HTML inside Markdown (headings become paragraphs)."""
    soup = _soup(html, "HTML block")
    _drop_non_article(soup)
    collector = _HtmlCollector()
    collector.walk(soup)
    blocks = []
    for section in collector.sections:
        if section.title:
            blocks.append(Block("paragraph", section.title))
        blocks.extend(section.blocks)
    return blocks


def _soup(text: str, name: str):
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
    from bs4.builder import ParserRejectedMarkup

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            # The lxml builder feeds lxml's HTML parser as a stream, which has
            # no nesting limit (lxml's tree builder stops at 256 levels).
            return BeautifulSoup(text, "lxml")
        except ParserRejectedMarkup as exc:
            raise InputError(f"{name}: cannot parse the HTML ({exc})") from None


def _content_root(soup):
    """The element that holds the article: the <article> with the most text, or <main>, or <body>."""
    articles = soup.find_all("article", limit=_ARTICLES_COMPARED)
    if articles:
        return max(articles, key=lambda article: len(article.get_text()))
    return soup.find("main") or soup.find(attrs={"role": "main"}) or soup.body or soup


def _with_headline(article, headline):
    """The <article>, or, when the headline (and with it the subtitle and byline)
    sits outside it, the element holding both, unless that is the whole page."""
    around_headline = {id(element) for element in headline.parents}
    if id(article) in around_headline:
        return article
    common = next((element for element in article.parents if id(element) in around_headline), None)
    return article if common is None or common.name in ("body", "html", "[document]") else common


def _drop_non_article(root) -> None:
    def hidden(tag) -> bool:
        return tag.has_attr("hidden") or tag.get("aria-hidden") == "true"

    doomed = root.find_all(_HTML_DROPPED) + root.find_all(hidden)
    # A footer inside a block quotation says who is quoted; the page's go.
    doomed += [footer for footer in root.find_all("footer") if not footer.find_parent("blockquote")]
    # A <header> is the article's own only when it holds the headline.
    if root.name != "article":
        doomed += [header for header in root.find_all("header") if not header.find("h1")]
    for tag in doomed:
        tag.extract()


def _take_byline_elements(root) -> str | None:
    """Take out the page's byline elements; "Por Fulana" from the first one."""

    def is_byline(tag) -> bool:
        classes = " ".join(tag.get("class") or []).lower()
        return (
            tag.name == "address"
            or "author" in (tag.get("rel") or [])
            or tag.get("itemprop") == "author"
            or any(word in classes for word in _BYLINE_CLASSES)
        )

    byline = None
    for tag in root.find_all(is_byline):
        text = _element_text(tag)
        if len(text) > _BYLINE_MAX_CHARS:
            continue  # an author's biography box, not a byline
        parent = tag.parent
        tag.extract()
        byline = byline or _byline_from_name(text)
        if parent is not None and parent is not root and _element_text(parent).lower() in ("", "por", "by"):
            parent.extract()  # the "Por" left of <p>Por <a rel="author">Fulana</a></p>
    return byline


def _meta(soup, **attributes) -> str:
    tag = soup.find("meta", attrs=attributes)
    return _collapse(str(tag.get("content") or "")) if tag else ""


def _page_title(soup) -> str:
    """<title> without the site's name ("Título | Jornal" -> "Título")."""
    if soup.title is None:
        return ""
    return _collapse(soup.title.get_text()).rsplit(" | ", 1)[0].strip()


def _canonical_url(soup) -> str:
    link = soup.find("link", rel="canonical")
    url = str(link.get("href") or "").strip() if link else ""
    return url or _meta(soup, property="og:url")


def _element_text(element) -> str:
    """An element's text, with a space where a line break or a block was."""
    from bs4 import NavigableString, Tag

    parts = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name == "br" or node.name in _HTML_BLOCKS:
                parts.append(" ")
        elif isinstance(node, NavigableString) and _is_text(node):
            parts.append(str(node))
    return _collapse("".join(parts))


def _is_text(node) -> bool:
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    return not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction))


class _HtmlCollector:
    """Turns an element tree into sections of blocks, in one pass without recursion
    (a page may nest elements thousands deep).

    ``title_element`` (the headline) is not read: a kicker or breadcrumbs
    before it are dropped, and a long <h2> right after it is the subtitle.
    """

    def __init__(self, title_element=None) -> None:
        self.builder = _SectionBuilder()
        self.pieces: list = []  # text of the block being read, and _LINE_BREAK for <br>
        self.open: dict[str, int] = {"blockquote": 0, "li": 0, "footer": 0, "q": 0}
        self.heading: str | None = None
        self.title_element = title_element
        self.right_after_title = False

    @property
    def sections(self) -> list[Section]:
        return self.builder.sections

    def walk(self, root) -> None:
        from bs4 import NavigableString

        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, NavigableString):
                if _is_text(node):
                    self.pieces.append(str(node))
            elif node is self.title_element:
                self._reach_title()
            elif leaving:
                self._leave(node.name)
            else:
                self._enter(node.name)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
        self._end_block()

    def _reach_title(self) -> None:
        self._end_block()
        sections = self.builder.sections
        before = " ".join(block.text for block in sections[0].blocks)
        if len(sections) == 1 and len(before.split()) <= _BEFORE_TITLE_MAX_WORDS:
            self.builder = _SectionBuilder()
        self.right_after_title = True

    def _enter(self, tag: str) -> None:
        if tag == "br":
            self.pieces.append(_LINE_BREAK)
        elif tag == "q":
            self.pieces.append("‘" if self.open["q"] else "“")
        elif tag in ("td", "th"):
            self.pieces.append(" ")
        if tag in _HTML_BLOCKS:
            self._end_block()
        if tag in _HTML_HEADINGS:
            self.heading = tag
        if tag in self.open:
            self.open[tag] += 1

    def _leave(self, tag: str) -> None:
        if tag == "q":
            self.open["q"] -= 1
            self.pieces.append("’" if self.open["q"] else "”")
            return
        if tag in _HTML_BLOCKS:
            self._end_block()  # while the element still counts as open
        if tag in self.open:
            self.open[tag] -= 1
        if tag in _HTML_HEADINGS:
            self.heading = None

    def _end_block(self) -> None:
        paragraphs = self._paragraphs()
        self.pieces = []
        if not paragraphs:
            return
        subtitle_place, self.right_after_title = self.right_after_title, False
        if self.heading in ("h1", "h2"):
            text = " ".join(paragraphs)
            if not (subtitle_place and self.heading == "h2" and len(text.split()) >= _SUBTITLE_MIN_WORDS):
                self.builder.start_section(text)
                return
        if self.open["footer"]:
            kind: BlockKind = "paragraph"  # the attribution under a block quotation
            paragraphs = [paragraph.lstrip("—–- ") for paragraph in paragraphs]
        elif self.open["blockquote"]:
            kind = "blockquote"
        else:
            kind = "list_item" if self.open["li"] else "paragraph"
        for paragraph in paragraphs:
            self.builder.add(kind, paragraph)

    def _paragraphs(self) -> list[str]:
        """The pieces read so far, as paragraphs: two line breaks in a row separate them."""
        paragraphs, lines, line = [], [], []
        for piece in [*self.pieces, _LINE_BREAK]:
            if piece is not _LINE_BREAK:
                line.append(piece)
                continue
            text = _collapse("".join(line))
            line = []
            if text:
                lines.append(text)
            elif lines:
                paragraphs.append(" ".join(lines))
                lines = []
        if lines:
            paragraphs.append(" ".join(lines))
        return paragraphs


# -- Shared by the formats -----------------------------------------------------


class _SectionBuilder:
    def __init__(self) -> None:
        self.sections = [Section(None)]

    def start_section(self, title: str) -> None:
        if title:
            self.sections.append(Section(title))

    def add(self, kind: BlockKind, text: str) -> None:
        if text:
            self.sections[-1].blocks.append(Block(kind, text))


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
        byline = _byline_line(block.text)
        if byline:
            del blocks[index]
            return byline
    return None


def _byline_line(text: str) -> str | None:
    """ "Por Fulana de Tal, da Reuters" -> itself; None when the text is not a byline."""
    if len(text) > _BYLINE_MAX_CHARS:
        return None
    first, _, rest = text.partition(" ")
    if first.casefold().rstrip(":") not in ("por", "by"):
        return None
    rest = rest.lstrip(": ").strip()
    name = _BYLINE_NAME_END.split(rest, maxsplit=1)[0].split()
    if not 1 <= len(name) <= 6 or not name[0][:1].isupper():
        return None
    if all(word[:1].isupper() or word in _NAME_PARTICLES for word in name):
        return f"Por {rest}"
    return None


def _byline_from_name(text: str) -> str | None:
    """An author as a page or front matter gives it -> "Por Fulana de Tal"."""
    text = _collapse(text)
    if not text or len(text) > _BYLINE_MAX_CHARS or text.startswith(("http://", "https://")):
        return None
    return _byline_line(text) or f"Por {text}"
