"""An HTML page's element tree read into paragraph-level pieces: BeautifulSoup over lxml.

``soup`` parses (lxml loads nothing from the network and expands no entities
beyond HTML's own); ``Collector`` walks a tree, without recursion (pages nest
elements thousands deep), into ``Piece``s: headings, paragraphs, list items,
block quotations, each with what the page extractor needs to judge it (how
much of it is link text, which quotation or list it belongs to). ``pieces_to_sections``
turns the pieces that are kept into the Article's sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audio_artigo.errors import InputError
from audio_artigo.model import BlockKind, Section
from audio_artigo.sources.text import SectionBuilder, collapse

# Elements that start and end a block of text (the others are inline).
HTML_BLOCKS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody tfoot thead "
    "tr ul".split()
)
HTML_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Never part of the article's text.
HTML_DROPPED = [
    "script", "style", "noscript", "template", "form", "nav", "aside", "figcaption", "iframe", "svg", "math",
    "canvas", "video", "audio", "object", "embed", "button", "select", "textarea", "input", "img", "picture",
    "map", "dialog", "menu",
]  # fmt: skip
BEFORE_TITLE_MAX_WORDS = 30
"""Text this short before the headline is a kicker or breadcrumbs ("Economia > Agro"), not the article."""
SIGNUP_MAX_WORDS = 40
"""The box around an e-mail field that holds this few words is a signup prompt."""
_SIGNUP_FIELDS_COMPARED = 50
_SIGNUP_STOPS = frozenset({"article", "main", "body", "html"})
SUBTITLE_MIN_WORDS = 7
"""An <h2> right under the headline and this long is the subtitle, not a section heading."""
# Elements whose pieces belong together: a quotation and its attribution, a list.
_UNITS = frozenset({"blockquote", "ul", "ol", "dl", "table"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_LINE_BREAK = object()
_WORD = re.compile(r"[^\W_]+")


@dataclass
class Piece:
    """A heading or a block as the page has it, before the extractor judges it."""

    kind: BlockKind | str
    """"heading" (a section title) or a block kind."""
    text: str
    link_share: float = 0.0
    """How much of the text is the text of links (0 to 1)."""
    unit: int | None = None
    """The quotation, list or table it is part of (an id shared by its pieces)."""
    subtitle: bool = False
    """The standfirst right under the headline."""
    heading_tag: bool = False
    """Written as a heading (<h1>…<h6>), whatever kind it is read as."""
    furniture: tuple[int, str] | None = None
    """The innermost element around it whose class names page furniture: (its key, the family).
    The key is the element's id, but paragraphs named alike share one: a site that
    marks each paragraph of the article "paywall" holds the article in them."""


def _furniture_key(node) -> int:
    """The element's id; for a paragraph, its tag and classes (see ``Piece.furniture``)."""
    if node.name != "p":
        return id(node)
    classes = node.get("class") or []
    return hash(("p", " ".join(sorted(classes)) if not isinstance(classes, str) else classes))


def soup(text: str, name: str):
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


def drop_non_article(root) -> None:
    """Take out what is never the article: scripts, navigation, asides, forms,
    signup boxes, captions, hidden elements, the page's header and footer."""

    def hidden(tag) -> bool:
        style = tag.get("style")
        return (
            tag.has_attr("hidden")
            or tag.get("aria-hidden") == "true"
            or (isinstance(style, str) and _HIDDEN_STYLE.search(style) is not None)
        )

    doomed = _signup_boxes(root) + root.find_all(HTML_DROPPED) + root.find_all(hidden)
    # A footer inside a block quotation says who is quoted; the page's go.
    doomed += [footer for footer in root.find_all("footer") if not footer.find_parent("blockquote")]
    # A <header> is the article's own only when it holds the headline.
    if root.name != "article":
        doomed += [header for header in root.find_all("header") if not header.find("h1")]
    for tag in doomed:
        tag.extract()


def _signup_boxes(root) -> list:
    """The small boxes around an e-mail field: newsletter and alert signups written
    without a <form> ("Morning Update / Daily / Start your day with..." beside an
    "Enter your email address" field). The box is the largest element around the
    field with at most SIGNUP_MAX_WORDS words that holds no headline nor article."""
    boxes = []
    for field in root.find_all("input", limit=_SIGNUP_FIELDS_COMPARED):
        kind = str(field.get("type") or "text").lower()
        hints = " ".join(str(field.get(name) or "") for name in ("type", "name", "id", "placeholder", "aria-label", "autocomplete"))
        if kind == "hidden" or "mail" not in hints.lower():
            continue
        box = None
        for parent in field.parents:
            if parent is root or parent.name in _SIGNUP_STOPS or parent.find("h1") is not None:
                break
            if word_count(parent, SIGNUP_MAX_WORDS) > SIGNUP_MAX_WORDS:
                break
            box = parent
        if box is not None:
            boxes.append(box)
    return boxes


def word_count(element, limit: int) -> int:
    """The words of an element's text, counted no further than ``limit`` + 1: a box
    around the whole page must not cost its whole text for every field or link in it."""
    from bs4 import NavigableString

    count = 0
    for node in element.descendants:
        if isinstance(node, NavigableString) and is_text(node):
            count += len(_WORD.findall(node))
            if count > limit:
                break
    return count


def element_text(element) -> str:
    """An element's text, with a space where a line break or a block was."""
    from bs4 import NavigableString, Tag

    parts = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name == "br" or node.name in HTML_BLOCKS:
                parts.append(" ")
        elif isinstance(node, NavigableString) and is_text(node):
            parts.append(str(node))
    return collapse("".join(parts))


def is_text(node) -> bool:
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    return not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction))


def pieces_to_sections(pieces: list[Piece]) -> list[Section]:
    builder = SectionBuilder()
    for piece in pieces:
        if piece.kind == "heading":
            builder.start_section(piece.text)
        else:
            builder.add(piece.kind, piece.text)  # type: ignore[arg-type]
    return builder.sections


class Collector:
    """Turns an element tree into pieces, in one pass without recursion.

    ``title_element`` (the headline) is not read: a kicker or breadcrumbs
    before it are dropped, and a long <h2> right after it is the subtitle.
    """

    def __init__(self, title_element=None, furniture=None, never_furniture: set[int] = frozenset()) -> None:
        self.pieces: list[Piece] = []
        self._text: list = []  # text of the block being read, and _LINE_BREAK for <br>
        self._link_chars = 0
        self._open: dict[str, int] = {"blockquote": 0, "li": 0, "footer": 0, "q": 0, "a": 0}
        self._heading: str | None = None
        self._units: list[int] = []
        self._title_element = title_element
        self._right_after_title = False
        self._furniture_of = furniture
        """Element -> furniture family or None (``boilerplate.element_family``)."""
        self._never_furniture = never_furniture
        self._furniture: list[tuple[int, str]] = []  # the marked elements open, innermost last
        self._marked: list[bool] = []  # for each open element, whether it is in _furniture
        self._articles = 0  # <article> elements open

    def walk(self, root) -> list[Piece]:
        from bs4 import NavigableString

        stack = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, NavigableString):
                if is_text(node):
                    self._text.append(str(node))
                    if self._open["a"]:
                        self._link_chars += len(str(node).strip())
            elif node is self._title_element:
                self._reach_title()
            elif leaving:
                self._leave(node)
            else:
                self._enter(node)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(node.contents))
        self._end_block()
        return self.pieces

    def _reach_title(self) -> None:
        self._end_block()
        before = " ".join(piece.text for piece in self.pieces)
        if not any(piece.kind == "heading" for piece in self.pieces) and len(before.split()) <= BEFORE_TITLE_MAX_WORDS:
            self.pieces = []
        self._right_after_title = True

    def _enter(self, node) -> None:
        tag = node.name
        if tag == "br":
            self._text.append(_LINE_BREAK)
        elif tag == "q":
            self._text.append("‘" if self._open["q"] else "“")
        elif tag in ("td", "th"):
            self._text.append(" ")
        if tag in HTML_BLOCKS:
            self._end_block()
        if tag in HTML_HEADINGS:
            self._heading = tag
        if tag in self._open:
            self._open[tag] += 1
        if tag in _UNITS:
            self._units.append(id(node))
        if self._furniture_of is not None:
            family = None if id(node) in self._never_furniture else self._furniture_of(node)
            if tag == "article" and self._articles and id(node) not in self._never_furniture:
                family = family or "related"  # an article inside the article: another story's teaser
            if tag == "article":
                self._articles += 1
            if family:
                self._furniture.append((_furniture_key(node), family))
            self._marked.append(bool(family))

    def _leave(self, node) -> None:
        tag = node.name
        if tag == "q":
            self._open["q"] -= 1
            self._text.append("’" if self._open["q"] else "”")
            return
        if tag in HTML_BLOCKS:
            self._end_block()  # while the element still counts as open
        if tag in self._open:
            self._open[tag] -= 1
        if tag in HTML_HEADINGS:
            self._heading = None
        if tag in _UNITS:
            self._units.pop()
        if self._furniture_of is not None:
            if tag == "article":
                self._articles -= 1
            if self._marked.pop():
                self._furniture.pop()

    def _end_block(self) -> None:
        paragraphs = self._paragraphs()
        link_chars, self._link_chars = self._link_chars, 0
        self._text = []
        if not paragraphs:
            return
        text_chars = sum(len(paragraph) for paragraph in paragraphs)
        link_share = min(1.0, link_chars / max(1, text_chars - len(paragraphs) + 1))
        unit = self._units[0] if self._units else None
        furniture = self._furniture[-1] if self._furniture else None
        subtitle_place, self._right_after_title = self._right_after_title, False
        if self._heading in ("h1", "h2"):
            text = " ".join(paragraphs)
            if subtitle_place and self._heading == "h2" and len(text.split()) >= SUBTITLE_MIN_WORDS:
                self.pieces.append(Piece("paragraph", text, link_share, unit, subtitle=True, furniture=furniture))
            else:
                self.pieces.append(Piece("heading", text, link_share, unit, heading_tag=True, furniture=furniture))
            return
        if self._open["footer"]:
            kind: BlockKind = "paragraph"  # the attribution under a block quotation
            paragraphs = [paragraph.lstrip("—–- ") for paragraph in paragraphs]
        elif self._open["blockquote"]:
            kind = "blockquote"
        else:
            kind = "list_item" if self._open["li"] else "paragraph"
        for paragraph in paragraphs:
            if paragraph:
                self.pieces.append(Piece(kind, paragraph, link_share, unit, heading_tag=self._heading is not None, furniture=furniture))

    def _paragraphs(self) -> list[str]:
        """The text read so far, as paragraphs: two line breaks in a row separate them."""
        paragraphs, lines, line = [], [], []
        for piece in [*self._text, _LINE_BREAK]:
            if piece is not _LINE_BREAK:
                line.append(piece)
                continue
            text = collapse("".join(line))
            line = []
            if text:
                lines.append(text)
            elif lines:
                paragraphs.append(" ".join(lines))
                lines = []
        if lines:
            paragraphs.append(" ".join(lines))
        return paragraphs
