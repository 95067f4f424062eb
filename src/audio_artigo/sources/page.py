"""A whole news page read into the article, and only the article.

Two readers look at the page, and each is trusted for what it does well:

- **trafilatura** finds where the article is and which of its text is
  boilerplate: its text is the *evidence* of what the body is (with the
  page's own JSON-LD ``articleBody``, when it has one);
- the **DOM reader** (``dom.Collector``, BeautifulSoup over lxml) keeps the
  structure trafilatura flattens: the headline, the byline, subheads as
  sections, paragraphs, lists, block quotations and inline ``<q>``.

They are reconciled block by block: a block of the DOM reader is kept when
the evidence has its words (``Evidence.confirms``); a block the evidence
lacks is kept only when it belongs with a kept one (the attribution under a
kept quotation, the rest of a kept list) or is the standfirst under the
headline. Then what both miss goes: blocks inside elements whose class names
furniture (comment widgets, newsletter boxes, captions, share bars: see
``boilerplate``), the small box around an e-mail field (a signup written
without a <form>: ``dom.drop_non_article``), other stories' teaser cards whatever they are called
(``_teaser_cards``), blocks that say what furniture says (``page_phrases.tsv``,
``page_times.tsv``), lines that are all link (related headlines, tickers),
and blocks that repeat another (pull quotes, captions printed twice).

A page so small that trafilatura has no evidence to give is read by the DOM
reader alone, with the same furniture rules.

The title is the article's headline, never a logo <h1> nor the site's
section: the visible headings are reconciled with the JSON-LD ``headline``,
og:title, twitter:title and <title> (whose " | Site" goes). The page's
metadata (``metadata``) gives the canonical URL, authors, date, site name and
lead image.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from audio_artigo.reading.clutter import fold
from audio_artigo.sources import boilerplate, dom
from audio_artigo.sources.metadata import PageMetadata, read_metadata
from audio_artigo.sources.text import (
    BYLINE_MAX_CHARS,
    BYLINE_SEARCH_BLOCKS,
    Parsed,
    byline_from_name,
    byline_line,
    collapse,
    without_byline_label,
)

MIN_EVIDENCE_WORDS = 40
"""Trafilatura's text must have this many words (and two blocks) to count as evidence."""
MIN_AGREEMENT = 0.2
"""Below this share of the evidence found in the DOM reader's blocks, the evidence is not used."""
CONFIRMED_SHARE = 0.5
"""A block is confirmed when this share of its word trigrams is in the evidence."""
WRAPPER_SHARE = 0.25
"""An element named like furniture that holds this share of the article is a wrapper, not furniture."""
WRAPPED_PARAGRAPHS = 2
WRAPPED_PARAGRAPH_WORDS = 25
"""An element named like furniture that holds two paragraphs of the article this long is a wrapper."""
SUBHEAD_MAX_WORDS = 12
"""A heading this short between two paragraphs of the article is a subhead."""
RELATED_LABEL_WORDS = 4
LINK_LINE_WORDS = 30
"""A block this short that is all link text is a link to another page."""
LINK_SHARE = 0.8
REPEAT_GRAM = 4
"""A block whose every 4-word run is in a longer block repeats it (a pull quote, a caption)."""
CARD_MAX_WORDS = 80
"""A teaser (linked headline, lead, time) is never longer than this."""
TEASERS_MAX_SHARE = 0.5
"""Teaser cards holding this share of the article are the article's own sections."""
CARD_HEADLINE_WORDS = 4
CARD_CLIMB = 3
CARDS_COMPARED = 2000
HEADLINE_MAX_CHARS = 400
SECTION_MAX_WORDS = 3
"""A part of a <title> after the headline this short is the section or a date ("Mercado", "10/07/2024")."""
CANDIDATES_COMPARED = 300
"""At most this many headings are compared with the page's metadata title."""

_BYLINE_CLASSES = ("byline", "author", "autor", "assinatura")
_ARTICLES_COMPARED = 20
_BYLINES_COMPARED = 50
_NOT_THE_ARTICLES = frozenset({"related"})
"""Furniture whose author elements name someone else: other stories' authors. (Not
"comments": "firma_comentarios" boxes hold the byline and the comment count.)"""
_DATE_AFTER_NAME = re.compile(r"[\s|·•,–—-]*\d{1,2}[./]\d{1,2}[./]\d{2,4}.*$|[\s|·•,–—-]*\d{1,2}\s*[h:]\s*\d{2}.*$")
_AFTER_BYLINE = re.compile(r"\s+[·•|]\s+")
_WORD = re.compile(r"[^\W_]+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-–—·•»]|::)\s+|\s*\|\s*|(?<=\w)-\s+(?=[A-Z])")
_TITLE_CLASSES = re.compile(r"headline|title|titulo|título|titular|manchete", re.IGNORECASE)
_QUOTE_MARKS = str.maketrans("", "", "“”‘’«»„‟‹›\"'`´")


def parse_page(text: str, name: str, url: str | None = None) -> Parsed:
    """The article of a whole HTML page (``url``: where it was fetched from, if it was)."""
    tree = dom.soup(text, name)
    meta = read_metadata(tree, url)
    evidence = Evidence.of_page(text, meta.article_body)
    headline, title = _headline(tree, meta)
    root = _content_root(tree, headline)
    pieces, byline = _read(root, headline)
    if evidence and root.name not in ("body", "html", "[document]") and evidence.share_confirmed(pieces) < 0.5:
        root = tree.body or tree  # the article is not where the page's markup says
        pieces, _ = _read(root, headline)
    if evidence and evidence.share_confirmed(pieces) < MIN_AGREEMENT:
        evidence = None  # the two readers see different texts: the structure is trusted alone
    byline = byline or _take_byline_line(pieces) or _byline_from_authors(meta)
    pieces = _reconcile(pieces, evidence, meta)
    return Parsed(
        title=title,
        sections=dom.pieces_to_sections(pieces),
        identity=meta.canonical_url,
        byline=byline,
        canonical_url=meta.canonical_url or None,
        authors=meta.authors or _names_in_byline(byline),
        published=meta.published or None,
        site_name=meta.site_name or None,
        image_url=meta.image_url or None,
    )


# -- Evidence: what trafilatura (and the page's articleBody) say the body is ---


@dataclass
class Evidence:
    lines: set[str]
    """The evidence's blocks, as folded words."""
    trigrams: set[tuple[str, ...]]
    words: int

    @classmethod
    def of_page(cls, html: str, article_body: str = "") -> Evidence | None:
        blocks = [*_trafilatura_blocks(html), *article_body.split("\n")]
        blocks = [words for words in map(_words, blocks) if words]
        total = sum(len(words) for words in blocks)
        if total < MIN_EVIDENCE_WORDS or len(blocks) < 2:
            return None
        trigrams = {tuple(words[i : i + 3]) for words in blocks for i in range(len(words) - 2)}
        return cls({" ".join(words) for words in blocks}, trigrams, total)

    def confirms(self, text: str) -> bool:
        words = _words(text)
        if len(words) < 4:
            return " ".join(words) in self.lines
        grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
        return sum(gram in self.trigrams for gram in grams) >= CONFIRMED_SHARE * len(grams)

    def share_confirmed(self, pieces: list[dom.Piece]) -> float:
        confirmed = sum(len(_words(piece.text)) for piece in pieces if self.confirms(piece.text))
        return confirmed / self.words


def _trafilatura_blocks(html: str) -> list[str]:
    """Trafilatura's text of the page's main content, one block a line ([] when it finds none)."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a dependency; the DOM reader still reads the page
        return []
    for logger in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        # Its complaints about odd pages are not the user's business: no evidence is a valid answer.
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    try:
        text = trafilatura.extract(
            html,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # noqa: BLE001 - no evidence is a safe answer: the DOM reader reads alone
        return []
    return text.split("\n") if text else []


# -- Reading the DOM -------------------------------------------------------------


def _content_root(tree, headline):
    """The element that holds the article: the <article> with the most text, or <main>, or <body>."""
    articles = tree.find_all("article", limit=_ARTICLES_COMPARED)
    if articles:
        root = max(articles, key=lambda article: len(article.get_text()))
        return _with_headline(root, headline) if headline is not None else root
    return tree.find("main") or tree.find(attrs={"role": "main"}) or tree.body or tree


def _with_headline(article, headline):
    """The <article>, or, when the headline (and with it the subtitle and byline)
    sits outside it, the element holding both, unless that is the whole page."""
    around_headline = {id(element) for element in headline.parents}
    if id(article) in around_headline:
        return article
    common = next((element for element in article.parents if id(element) in around_headline), None)
    return article if common is None or common.name in ("body", "html", "[document]") else common


def _read(root, headline) -> tuple[list[dom.Piece], str | None]:
    """The pieces under ``root``, and the byline the page marks there."""
    dom.drop_non_article(root)
    headline_holders = {id(element) for element in headline.parents} if headline is not None else set()
    cards = _teaser_cards(root, headline_holders)
    byline = _take_byline_elements(root, cards)

    def furniture(element) -> str | None:
        return "teaser" if id(element) in cards else boilerplate.element_family(element)

    collector = dom.Collector(title_element=headline, furniture=furniture, never_furniture=headline_holders)
    return collector.walk(root), byline


def _teaser_cards(root, headline_holders: set[int]) -> set[int]:
    """Small boxes that hold a linked headline and a few words more (its lead,
    its time): another story's teaser, whatever the box is called.

    The linked headline is a link of four words or more that is the whole text
    of its block (<h3><a>…</a></h3>, <a><h5>…</h5></a>, <p><a>…</a></p>); its box is
    the first element around those with more text, when that is at most
    CARD_MAX_WORDS and holds no other such headline. A link alone in the
    article's own text has the whole article around it, far more than a card."""
    headlines: dict[int, int] = {}  # box -> linked headlines in it
    for link in root.find_all("a", href=True, limit=CARDS_COMPARED):
        href = link.get("href")
        if not isinstance(href, str) or href.startswith(("#", "javascript:")):
            continue
        words = dom.word_count(link, CARD_MAX_WORDS)
        if not CARD_HEADLINE_WORDS <= words <= CARD_MAX_WORDS:
            continue
        holder, whole_block = link, link.find(dom.HTML_BLOCKS) is not None
        for _ in range(CARD_CLIMB):
            parent = holder.parent
            if parent is None or dom.word_count(parent, words) != words:
                break
            holder, whole_block = parent, whole_block or parent.name in dom.HTML_BLOCKS
        if not whole_block:
            continue  # a link inside a sentence
        box = holder.parent
        if box is None or box is root or id(box) in headline_holders or dom.word_count(box, CARD_MAX_WORDS) > CARD_MAX_WORDS:
            continue
        headlines[id(box)] = headlines.get(id(box), 0) + 1
    return {box for box, number in headlines.items() if number == 1}


def _take_byline_elements(root, cards: set[int]) -> str | None:
    """Take out the page's byline elements; "Por Fulana" (or "Por Fulana e Beltrano",
    when each author has an element of its own) from them. The authors of other
    stories' teasers are not the article's."""

    def is_byline(tag) -> bool:
        classes = " ".join(tag.get("class") or []).lower()
        return (
            tag.name == "address"
            or "author" in (tag.get("rel") or [])
            or tag.get("itemprop") == "author"
            or any(word in classes for word in _BYLINE_CLASSES)
        )

    def elsewhere(tag) -> bool:
        return any(id(parent) in cards or boilerplate.element_family(parent) in _NOT_THE_ARTICLES for parent in tag.parents)

    tags = [tag for tag in root.find_all(is_byline, limit=_BYLINES_COMPARED) if not elsewhere(tag)]
    # The innermost first: <div class="byline"><a class="author">Fulana</a> <time>...</time></div>.
    holders = {id(parent) for tag in tags for parent in tag.parents}
    names: list[str] = []
    byline = None
    for tag in sorted(tags, key=lambda tag: id(tag) in holders):
        if tag.parent is None:
            continue  # inside a byline element already taken out
        text = _DATE_AFTER_NAME.sub("", dom.element_text(tag)).strip()
        text = _AFTER_BYLINE.split(text, maxsplit=1)[0]  # "CBC News · Posted: Jul 30, 2019"
        if len(text) > BYLINE_MAX_CHARS:
            continue  # an author's biography box, not a byline
        parent = tag.parent
        tag.extract()
        if boilerplate.phrase_family(text):
            continue  # "Foto: Agência" in an element named like an author
        name = without_byline_label(text)
        if not name:
            continue  # the "By:" of <span class="byline">By:</span> <a class="author">…</a>
        byline = byline or byline_from_name(name)
        if id(tag) not in holders and byline_line(f"Por {name}") and name.casefold() not in map(str.casefold, names):
            names.append(name)
        left = dom.element_text(parent) if parent is not None and parent is not root else None
        if left is not None and (not without_byline_label(left) or left.lower() in ("e", "and", ",")):
            parent.extract()  # the "Por" left of <p>Por <a rel="author">Fulana</a></p>
    if len(names) > 1:
        return "Por " + ", ".join(names[:-1]) + " e " + names[-1]
    return byline


def _take_byline_line(pieces: list[dom.Piece]) -> str | None:
    """A "Por Fulana de Tal" line among the first blocks under the headline, taken out."""
    for index, piece in enumerate(pieces[:BYLINE_SEARCH_BLOCKS + 2]):
        byline = byline_line(piece.text) if piece.kind == "paragraph" else None
        if byline:
            del pieces[index]
            return byline
    return None


def _names_in_byline(byline: str | None) -> list[str]:
    """ "Por Fulana de Tal e Beltrano, g1 SP" -> ["Fulana de Tal", "Beltrano"] (the page's metadata names none)."""
    if not byline:
        return []
    names = without_byline_label(byline)
    names = re.split(r"\s*[|—–(/]|,\s+(?:d[aoe]s?|of|em|in|para|for)\b", names)[0]
    return [name for name in re.split(r"\s*,\s*|\s+(?:e|and|y|et)\s+", names) if name.strip()]


def _byline_from_authors(meta: PageMetadata) -> str | None:
    names = [name for name in meta.authors if _words(name) != _words(meta.site_name)]
    return byline_from_name(" e ".join(names)) if names else None


# -- Reconciling the DOM with the evidence, and dropping furniture -------------


def _reconcile(pieces: list[dom.Piece], evidence: Evidence | None, meta: PageMetadata) -> list[dom.Piece]:
    confirmed = [evidence.confirms(piece.text) if evidence else True for piece in pieces]
    weights = [len(_words(piece.text)) if confirmed[index] else 0 for index, piece in enumerate(pieces)]
    total = sum(weights) or 1
    # Furniture-named elements that hold a good part of the article, or paragraphs
    # of it (the end of the article in a "paywall" box), are wrappers.
    held: dict[int, int] = {}
    paragraphs: dict[int, int] = {}
    for piece, weight in zip(pieces, weights):
        if piece.furniture is not None:
            held[piece.furniture[0]] = held.get(piece.furniture[0], 0) + weight
            if weight >= WRAPPED_PARAGRAPH_WORDS and piece.kind == "paragraph":
                paragraphs[piece.furniture[0]] = paragraphs.get(piece.furniture[0], 0) + 1
    wrappers = {element for element, weight in held.items() if weight >= WRAPPER_SHARE * total}
    wrappers |= {element for element, count in paragraphs.items() if count >= WRAPPED_PARAGRAPHS}
    # Teaser cards that hold most of the article are its sections (a list of films,
    # each under its linked title), not other stories.
    teasers = {piece.furniture[0] for piece in pieces if piece.furniture and piece.furniture[1] == "teaser"}
    if sum(held[element] for element in teasers) >= TEASERS_MAX_SHARE * total:
        wrappers |= set(teasers)
    units = {piece.unit for piece, ok in zip(pieces, confirmed) if ok and piece.unit is not None}
    description = _words(meta.description)
    first = next((index for index, ok in enumerate(confirmed) if ok), len(pieces))

    keep = [False] * len(pieces)
    unconfirmed = [False] * len(pieces)  # not furniture, but the evidence lacks it
    after_related = False
    for index, piece in enumerate(pieces):
        if piece.furniture is not None and piece.furniture[0] not in wrappers:
            continue
        family = boilerplate.phrase_family(piece.text)
        if family == "related":
            # A label ("Leia também:") has links after it; "Leia também: Manchete" is the link itself.
            after_related = len(_words(piece.text)) <= RELATED_LABEL_WORDS
            continue
        if after_related and piece.kind != "heading" and _looks_like_a_link(piece):
            continue
        after_related = False
        if family is not None or _is_link_line(piece):
            continue
        standfirst = index < first and (piece.subtitle or (description and _words(piece.text) == description))
        keep[index] = confirmed[index] or standfirst or (piece.unit is not None and piece.unit in units)
        unconfirmed[index] = not keep[index]
    for index in range(1, len(pieces) - 1):
        if unconfirmed[index] and _is_subhead_between(pieces, keep, index):
            keep[index] = True
    return _without_repeats([piece for piece, kept in zip(pieces, keep) if kept])


def _is_subhead_between(pieces: list[dom.Piece], keep: list[bool], index: int) -> bool:
    """A short heading between two kept paragraphs is the article's subhead, even when
    trafilatura left it out (it often drops one- and two-word subheads: "Desglose")."""
    piece, before, after = pieces[index], pieces[index - 1], pieces[index + 1]
    return (
        piece.heading_tag
        and len(_words(piece.text)) <= SUBHEAD_MAX_WORDS
        and keep[index - 1]
        and keep[index + 1]
        and before.kind == after.kind == "paragraph"
        and not before.heading_tag
        and not after.heading_tag
    )


def _is_link_line(piece: dom.Piece) -> bool:
    return piece.link_share >= LINK_SHARE and len(_words(piece.text)) <= LINK_LINE_WORDS


def _looks_like_a_link(piece: dom.Piece) -> bool:
    """What follows a "Leia também" label: a list item, a link, or a headline (short, no final
    period; nor a final colon: a line that ends with one introduces the article's next words)."""
    short = len(_words(piece.text)) <= 20
    return piece.kind == "list_item" or piece.link_share >= 0.5 or (short and piece.text.rstrip()[-1:] not in ".!?…:")


def _without_repeats(pieces: list[dom.Piece]) -> list[dom.Piece]:
    """Blocks that repeat a longer one (a pull quote, a caption, a standfirst printed twice) go."""
    grams = [_grams(piece.text) for piece in pieces]
    holders: dict[tuple[str, ...], list[int]] = {}
    for index, piece_grams in enumerate(grams):
        for gram in piece_grams:
            holders.setdefault(gram, []).append(index)
    kept = []
    for index, piece in enumerate(pieces):
        own = grams[index]
        if not own or piece.kind == "heading":
            kept.append(piece)
            continue
        first = holders[next(iter(own))]
        others = [other for other in first[:50] if other != index and _longer(grams[other], own, other, index)]
        if not any(own <= grams[other] for other in others):
            kept.append(piece)
    return kept


def _longer(other: set, own: set, other_index: int, index: int) -> bool:
    return len(other) > len(own) or (len(other) == len(own) and other_index < index)


def _grams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + REPEAT_GRAM]) for i in range(len(words) - REPEAT_GRAM + 1)}


# -- The title -------------------------------------------------------------------


def _headline(tree, meta: PageMetadata):
    """The headline element (or None) and the article's title."""
    site_words = [_words(name) for name in (meta.site_name, _host_name(meta.canonical_url)) if name]
    titles = [meta.headline, meta.og_title, meta.twitter_title, meta.title_tag]
    titles = [title for title in titles if title]
    h1s = [(h1, dom.element_text(h1)) for h1 in tree.find_all("h1", limit=CANDIDATES_COMPARED)]
    h1s = [(h1, text) for h1, text in h1s if text and len(text) <= HEADLINE_MAX_CHARS]
    for element, text in h1s:
        if any(_agrees(text, title) for title in titles):
            return element, text
    if titles:
        for element in tree.find_all(_may_be_headline, limit=CANDIDATES_COMPARED):
            text = dom.element_text(element)
            if text and len(text) <= HEADLINE_MAX_CHARS and any(_agrees(text, title) for title in titles):
                return element, text
        # No heading agrees. The page's own headline (JSON-LD, OpenGraph) beats an <h1>
        # too short to be a headline (a logo, the site's section: "Piauí", "esteri");
        # a <title> alone does not.
        headlines = [(element, text) for element, text in h1s if _words(text) not in site_words]
        if meta.headline or meta.og_title:
            headlines = [(element, text) for element, text in headlines if len(_words(text)) >= 4]
        if headlines:
            return max(headlines, key=lambda pair: len(_words(pair[1])))
        return None, _without_site_name(titles[0], site_words)
    if h1s:
        return h1s[0]
    return None, ""


def _may_be_headline(tag) -> bool:
    if tag.name in ("h2", "h3"):
        return True
    classes = " ".join(tag.get("class") or []) if not isinstance(tag.get("class"), str) else tag.get("class")
    return tag.name not in ("html", "body", "head", "title", "meta", "script", "style", "a") and bool(
        _TITLE_CLASSES.search(classes) or _TITLE_CLASSES.search(str(tag.get("itemprop") or ""))
    )


def _agrees(text: str, title: str) -> bool:
    """A visible heading is the metadata's title, maybe with the site's name around it,
    or the metadata's title cut short ("Manchete muito longa…")."""
    heading, meta = " ".join(_words(text)), " ".join(_words(title))
    if not heading or not meta:
        return False
    if heading == meta:
        return True
    heading_count, meta_count = heading.count(" ") + 1, meta.count(" ") + 1
    if heading_count >= 3 and meta_count - heading_count <= 10 and (meta.startswith(heading + " ") or meta.endswith(" " + heading)):
        return True
    # Cut short: at a word's end, or inside one where the title says so ("Manchete muito lon…");
    # "...InfantaUltima Hora Mallorca" (a logo <h1> gluing the site's name on) is not the title.
    cut_in_a_word = title.rstrip().endswith(("…", "..."))
    return meta_count >= 5 and (heading.startswith(meta + " ") or (cut_in_a_word and heading.startswith(meta)))


def _without_site_name(title: str, site_words: list[list[str]]) -> str:
    """ "Manchete | Jornal" -> "Manchete"; the parts of a <title> that name the site go."""
    parts = [part for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    if len(parts) < 2:
        return collapse(title)
    sites = {"".join(words) for words in site_words}

    def names_site(part: str) -> bool:
        joined = "".join(_words(part))
        return bool(joined) and any(joined == site or joined in site or site in joined for site in sites if site)

    while len(parts) > 1 and names_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and names_site(parts[0]):
        parts.pop(0)
    # What is left after the headline is the section, a date or an unknown site's name.
    while len(parts) > 1 and (not sites or len(_words(parts[-1])) <= SECTION_MAX_WORDS):
        parts.pop()
    return collapse(" - ".join(parts))


def _host_name(url: str) -> str:
    """ "https://www.lastampa.it/..." -> "lastampa" """
    match = re.match(r"https?://(?:www\d?\.|m\.)?([^/:?#]+)", url)
    return match.group(1).split(".")[0] if match else ""


def _words(text: str) -> list[str]:
    """Folded words; quotation marks are taken out first, as the DOM reader writes <q> as “…”
    and trafilatura writes nothing."""
    return _WORD.findall(fold(text.translate(_QUOTE_MARKS)))
