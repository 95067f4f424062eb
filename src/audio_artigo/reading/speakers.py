"""Who is speaking: each quotation's speaker, one speaker per person.

A quotation's speaker comes from the first of these that names one:

1. its interview label ("Eugênio:", "R:"; see ``interview``);
2. the attribution right after it: a verb of saying and who ("”, disse o
   presidente da APS, Anderson Pomini", "— contou o motorista José Almeida",
   "”, afirmou Xiong", "”, disse ele", "”, completou o ministro"), a source
   ("”, segundo o ministro"), or who and then the verb ("”, o ministro disse");
3. the sentence right before it, when that sentence introduces it: a colon
   ("Xiong cobrou regularidade nos repasses: “…”"), a verb of saying ("O
   ministro respondeu “jamais”", "Chen disse que “…”") or a source ("Segundo
   Chen, “…”", "Para o diretor da Anec, Sérgio Mendes, “…”");
4. the previous paragraph, when it ends with a colon and the quotation opens
   its own paragraph;
5. the next sentence, when it points back at the quotation ("A frase, do
   presidente do SNEL, Dante Cid, …", "A frase acima é da coordenadora …";
   nouns in ``data/reference_nouns.tsv``), or a short dash line after it
   ("— Regiane de Paula, coordenadora");
6. the quotation it goes on with: the previous quotation of its paragraph
   (“…”, disse Chen. “…”), the other paragraphs of a quotation that runs over
   several, or, for a paragraph that is nothing but a quotation, the one that
   ends the paragraph before it.

An attribution without a subject ("”, disse.") is the speaker of the sentence
before the quotation, else of the previous paragraph's colon, else of the
previous quotation in the paragraph, else the nearest earlier speaker. A
quotation none of these attributes has no speaker (null). Attributions stay
narration: this module only says who speaks.

One person is one speaker, whatever form each attribution uses:

- a name ("Chen Jie", "Chen", "Dra. Regiane de Paula") is the person whose
  name has all its words, named before or after; the fullest form is the
  speaker's name, without a form of address (``data/honorifics.tsv``);
- a description ("o vice-prefeito", "a ministra") is the nearest earlier
  person the article describes so ("Chen Jie, vice-prefeito de Xangai",
  "o motorista José Almeida"; ``data/roles.tsv``, whose kinds make "a
  médica" of an infectologist); a bare one in an attribution is first whom
  the sentence before it is about ("O chanceler Mauro Vieira afirmou... “…”,
  disse o ministro"), and may be who spoke last when nothing the article says
  of them contradicts it; when the article never names the person, it is a
  speaker of its own called by that description ("o ministro"), and "um
  assessor" always is someone new;
- a pronoun ("disse ele"; ``data/pronouns.tsv``) is the nearest earlier
  speaker or subject of a sentence who may be so called: "ela" is not someone
  the article calls "o ministro", "Dr." or "Marcos".

A name after an article or a preposition with no role ("segundo a Conab",
"em Xangai") is a body or a place: it may speak, but a pronoun never points
at it. Capitalised words that open sentences are names only when the article
never writes them in lower case and ``data/not_names.tsv`` does not list them.

Everything reads a bounded window around each quotation and each sentence,
and looks back a bounded number of speakers, so the work grows with the
length of the article whatever it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple, Sequence

from audio_artigo.model import Segment, Speaker
from audio_artigo.reading.interview import INTERVIEWEE, PERSON, Turn
from audio_artigo.reading.quotes import speech_verbs
from audio_artigo.reading.sentences import split_sentences
from audio_artigo.reading.tables import read_data_rows, read_data_table

WINDOW = 600
"""Characters of narration read on each side of a quotation."""
SENTENCE_MAX = 2000
"""Characters of a sentence read for names and who it is about (a longer one is not prose)."""
NAME_MAX_WORDS = 6
ROLE_PHRASE_MAX_TOKENS = 16
CONTEXT_SENTENCES = 3
"""Sentences before a quotation looked at for the subject of a bare "”, disse."."""
LOOK_BACK = 40
"""Earlier speakers a pronoun or a bare "disse." may point at."""
LINKS_PER_WORD = 20
"""People sharing a word of a name that a new form is compared with (the most recent)."""
DASH_LINE_MAX_WORDS = 12

_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*|\S")

# Grammar (closed classes, not vocabulary).
_ARTICLES = {
    "o": ("m", False), "a": ("f", False), "os": ("m", True), "as": ("f", True),
    "um": ("m", False), "uma": ("f", False), "uns": ("m", True), "umas": ("f", True),
    "outro": ("m", False), "outra": ("f", False), "outros": ("m", True), "outras": ("f", True),
}  # fmt: skip
_OF = {"de": None, "do": ("m", False), "da": ("f", False), "dos": ("m", True), "das": ("f", True)}
_BY = {"por": None, "pelo": ("m", False), "pela": ("f", False), "pelos": ("m", True), "pelas": ("f", True)}
# A name right after one of these, with no role between, is a body or a place ("da Conab", "em Xangai").
_BEFORE_BODY = frozenset(
    "o a os as do da dos das no na nos nas pelo pela pelos pelas ao à aos às em de num numa com para sobre entre".split()
)
# What may stand between a verb of saying and who said it: "disse ao g1 o ministro", "afirmou, em nota, a Petrobras".
_PREPOSITIONS = frozenset("à ao aos às em no na nos nas nesta neste nessa nesse durante após por pelo pela com sobre".split())
_FILLERS = frozenset("ainda também então depois hoje ontem logo já novamente mais apenas só agora aliás mas e porém".split())
_NAME_PARTICLES = frozenset({"de", "da", "do", "dos", "das", "di", "del", "della", "van", "von", "du"})
_MODIFIER_LINKS = frozenset({"de", "da", "do", "dos", "das", "e"})
_PLACE_LINKS = frozenset({"em", "no", "na", "nos", "nas"})  # a role's place, before a capital: "de uma escola em Paranaguá"
_LOWER_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CLAUSE_END = frozenset(",.;:!?…—–―\"“”«»")
_AFTER_NAME = frozenset(",.;:!?…)—–―")
_DASHES = "—―–-"
# A lower-case verb in the past tense ("ironizou", "resmungou", "encerrou").
_PAST_TENSE = re.compile(r"[a-zà-ÿ]{2,}(?:ou|eu|iu)(?:-se)?")
_INDEFINITE = frozenset({"um", "uma", "uns", "umas", "outro", "outra", "outros", "outras"})
# Between a noun that points back at a quotation and who said it: "A frase acima é da", "A afirmação foi feita pelo".
_REFERENCE_LINKS = frozenset("acima é foi era feita feito dita dito proferida escrita".split())
_CLAUSE_WORDS = _FILLERS | {"que", "como", "quando", "onde", "se", "ou", "não", "nem", "porque", "pois", "enquanto"}
_OPENERS = frozenset("\"“«—–―(:")
_ROLE_PREFIXES = ("vice-", "ex-", "sub-", "co-", "pré-")
_ROLE_SUFFIXES = {
    "chefe": "chefe", "geral": "geral", "adjunto": "adjunto", "adjunta": "adjunto", "executivo": "executivo",
    "executiva": "executivo", "presidente": "presidente", "substituto": "substituto", "substituta": "substituto",
    "interino": "interino", "interina": "interino",
}  # fmt: skip

NAME, DESCRIPTION, PRONOUN, ZERO = "name", "description", "pronoun", "zero"
BODY = "entidade"
"""The kind (in data/roles.tsv) of the nouns that stand for a body: "a empresa", "a pasta"."""
PERSON_ONLY = "pessoa"
"""The kind of the roles that say nothing of someone's post: "o morador", "o líder", "a irmã"."""


class _Token(NamedTuple):
    text: str
    low: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(found.group(), found.group().casefold(), found.start(), found.end()) for found in _TOKEN.finditer(text)]


def _capitalised(token: _Token) -> bool:
    return token.text[0].isupper()


def _is_lower_word(token: _Token) -> bool:
    return token.text[0].islower() and _LOWER_WORD.fullmatch(token.text) is not None


# -- word lists ---------------------------------------------------------------------------


class _Role(NamedTuple):
    lemma: str
    gender: str | None
    plural: bool
    kinds: frozenset[str] = frozenset()
    """Other roles it is one of ("infectologista": médico, especialista)."""


@cache
def _roles() -> dict[str, _Role]:
    roles: dict[str, _Role] = {}
    for masculine, feminine, plural_masculine, plural_feminine, kinds in read_data_rows("roles.tsv", 5):
        feminine = feminine or masculine
        lemma = masculine.casefold()
        kinds_of = frozenset(kind.strip().casefold() for kind in kinds.split(",") if kind.strip())
        both = feminine == masculine  # "o presidente", "a presidente": the article tells
        forms = [
            (masculine, None if both else "m", False),
            (feminine, None if both else "f", False),
            (plural_masculine or _plural(masculine), None if both else "m", True),
            (plural_feminine or _plural(feminine), None if both else "f", True),
        ]
        for form, gender, plural in forms:
            roles.setdefault(form.casefold(), _Role(lemma, gender, plural, kinds_of))
    return roles


def _plural(word: str) -> str:
    if word.endswith("ão"):
        return word[:-2] + "ões"
    if word.endswith("m"):
        return word[:-1] + "ns"
    if word[-1] in "rz":
        return word + "es"
    if word[-1] in "sx":
        return word
    return word + "s"


def _person_role(word: str) -> _Role | None:
    """A role only a person has: not "empresa", "Banco", "Prefeitura" (a capitalised one opens a body's name)."""
    role = _role_of(word)
    return role if role is not None and BODY not in role.kinds else None


def _role_kinds(lemma: str) -> frozenset[str]:
    role = _role_of(lemma)
    return role.kinds if role else frozenset()


def _role_of(word: str) -> _Role | None:
    """The role a (case-folded) word names: "ministra", "vice-prefeito", "economista-chefe"."""
    role = _roles().get(word)
    if role is not None:
        return role
    for prefix in _ROLE_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            inner = _role_of(word[len(prefix) :])
            return _Role(prefix + inner.lemma, inner.gender, inner.plural, inner.kinds) if inner else None
    head, hyphen, tail = word.partition("-")
    if hyphen and tail in _ROLE_SUFFIXES:
        inner = _roles().get(head)
        return _Role(f"{inner.lemma}-{_ROLE_SUFFIXES[tail]}", inner.gender, inner.plural, inner.kinds | {inner.lemma}) if inner else None
    return None


@cache
def _pronouns() -> dict[str, tuple[str, bool]]:
    return {pronoun: (gender, number == "p") for pronoun, gender, number in read_data_rows("pronouns.tsv", 3)}


@cache
def _honorifics() -> dict[str, str | None]:
    return {form.casefold(): gender or None for form, gender in read_data_table("honorifics.tsv").items()}


@cache
def _source_phrases() -> dict[str, list[tuple[str, ...]]]:
    """The phrases by their first word, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted((tuple(phrase.casefold().split()) for phrase in read_data_table("attribution_phrases.tsv")), key=len, reverse=True):
        by_first.setdefault(phrase[0], []).append(phrase)
    return by_first


@cache
def _reference_nouns() -> frozenset[str]:
    return frozenset(noun.casefold() for noun in read_data_table("reference_nouns.tsv"))


@cache
def _not_names() -> frozenset[str]:
    return frozenset(word.casefold() for word in read_data_table("not_names.tsv"))


def _is_verb(token: _Token) -> bool:
    return token.low in speech_verbs()


# -- names, roles, agents -----------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    """As written, without the form of address: ("Regiane", "de", "Paula")."""
    written: str
    """With it: "Dra. Regiane de Paula"."""
    gender: str | None
    """What the form of address says."""
    addressed: bool
    start: int
    end: int

    @property
    def keys(self) -> frozenset[str]:
        return _name_keys(self.words)


def _name_keys(words: tuple[str, ...]) -> frozenset[str]:
    """The words that tell a name: not "de", "da", initials."""
    return frozenset(word.casefold() for word in words if word.casefold() not in _NAME_PARTICLES and not word.endswith("."))


@dataclass(frozen=True)
class _Description:
    """A role as written: "o presidente da APS", "vice-prefeito de Xangai"."""

    lemma: str
    written: str
    gender: str | None
    plural: bool
    detail: str
    """The role and what qualifies it, without the article, case-folded: "presidente da aps"."""
    kinds: frozenset[str] = frozenset()
    definite: bool = False
    """After "o", "a", "do"...: someone the reader already knows ("o senador"), not "um assessor"."""

    @property
    def bare(self) -> bool:
        """The role alone ("a diretora"), nothing qualifying it."""
        return " " not in self.detail


class _Agent(NamedTuple):
    kind: str
    name: _Name | None = None
    role: _Description | None = None
    gender: str | None = None
    plural: bool = False
    body: bool = False
    """A name after an article with no role: a company, a ministry."""


class _Reader:
    """Reads names, roles and agents in one text's tokens."""

    def __init__(self, text: str, tokens: list[_Token], lower_words: frozenset[str]):
        self.text = text
        self.tokens = tokens
        self.lower_words = lower_words

    def honorific(self, index: int) -> tuple[str | None, int] | None:
        tokens = self.tokens
        if index + 1 < len(tokens) and tokens[index + 1].text == "." and tokens[index].low + "." in _honorifics():
            return _honorifics()[tokens[index].low + "."], index + 2
        if index + 1 < len(tokens) and tokens[index].low in _honorifics() and _capitalised(tokens[index + 1]):
            return _honorifics()[tokens[index].low], index + 1
        return None

    def name_at(self, index: int) -> _Name | None:
        """A person's (or a body's) name starting at ``index``."""
        tokens = self.tokens
        honorific = self.honorific(index)
        start = honorific[1] if honorific else index
        words: list[str] = []
        ends: list[int] = []
        at = start
        while at < len(tokens) and len(words) < NAME_MAX_WORDS:
            token = tokens[at]
            if _capitalised(token) and token.text[0].isalpha():
                if len(token.text) == 1 and at + 1 < len(tokens) and tokens[at + 1].text == ".":
                    at += 2  # an initial: "J. R. R. Tolkien"
                    words.append(token.text + ".")
                    ends.append(at)
                    continue
                if words and (_person_role(token.low) or token.low in _not_names()):
                    break
            elif not (words and token.low in _NAME_PARTICLES and at + 1 < len(tokens) and _capitalised(tokens[at + 1])):
                break
            at += 1
            words.append(token.text)
            ends.append(at)
        while words and (words[-1].casefold() in _NAME_PARTICLES or words[-1].endswith(".")):
            words.pop()  # a trailing initial is a sentence's end ("... disse o time B.")
            ends.pop()
        if not any(len(word) > 1 and not word.endswith(".") for word in words):
            return None  # "R$": a letter alone is not a name
        at = ends[-1]
        first = words[0].casefold()
        if not honorific:
            if first in _not_names() or _person_role(first):
                return None
            at_sentence_start = index == 0 or tokens[index - 1].text in _OPENERS
            if at_sentence_start and len(words) == 1:
                if first in self.lower_words or first.endswith("mente"):
                    return None  # "Depois", "Recentemente": a word that opens the sentence
                if at < len(tokens) and tokens[at].low in _BEFORE_BODY:
                    return None  # "Chamando os desenvolvedores", "Cerca de": not a name
        written = self.text[tokens[index].start : tokens[at - 1].end]
        return _Name(tuple(words), written, honorific[0] if honorific else None, bool(honorific), index, at)

    def name_ending_at(self, last: int) -> _Name | None:
        """The name whose last word is ``tokens[last]`` (", Dra. Regiane de Paula, que reforçou")."""
        tokens = self.tokens
        at = last
        while at >= 0 and last - at < NAME_MAX_WORDS * 2:
            token = tokens[at]
            if _capitalised(token) or token.low in _NAME_PARTICLES or token.text == ".":
                at -= 1
            else:
                break
        for start in range(at + 1, last + 1):
            name = self.name_at(start)
            if name is not None and name.end == last + 1:
                return name
        return None

    def role_at(self, index: int, article: tuple[str, bool] | None, first: int) -> tuple[_Description, _Name | None, int] | None:
        """A role phrase at ``index`` ("presidente da APS"), the name it
        introduces if any ("o motorista José Almeida", "o presidente da APS,
        Anderson Pomini", "o relator, deputado Aguinaldo Ribeiro (PP-PB)"),
        and where the phrase ends. ``first``: where its words start as written
        (its article, when it has one)."""
        tokens = self.tokens
        if index >= len(tokens):
            return None
        role = _role_of(tokens[index].low)
        if role is None:
            # An unknown word between an article and a name still describes: "o volante Fulano".
            if article and _is_lower_word(tokens[index]) and index + 1 < len(tokens):
                name = self.name_at(index + 1)
                if name is not None:
                    description = self._description(tokens[index].low, None, article, first, index, index + 1)
                    return description, name, name.end
            return None
        at = index + 1
        while at + 1 < len(tokens) and tokens[at].low == "e" and _role_of(tokens[at + 1].low):
            at += 2  # "fundador e CEO da StepFun"
        name = self.name_at(at)
        if name is not None:
            return self._description(role.lemma, role, article, first, index, at), name, name.end
        at, name = self._modifiers(at)
        description = self._description(role.lemma, role, article, first, index, at)
        if name is None and at < len(tokens) and tokens[at].text == ",":
            name = self._appositive_name(at + 1)
        return description, name, name.end if name else at

    def _modifiers(self, at: int) -> tuple[int, _Name | None]:
        """Past what qualifies a role ("estadual de Saúde", "da consultoria
        AgroVisão", "do comitê de supervisão técnica"), and the name that ends
        it, if one does ("da estatal Renato Duque", "político Andrés Malamud")."""
        tokens = self.tokens
        start = at
        previous = "role"  # what the last word was: role, link, noun, adjective, capital
        while at < len(tokens) and at - start < ROLE_PHRASE_MAX_TOKENS:
            token = tokens[at]
            following = tokens[at + 1] if at + 1 < len(tokens) else None
            if token.text in _CLAUSE_END or token.low == "que" or _is_verb(token):
                break
            if token.low in _MODIFIER_LINKS or (token.low in _ARTICLES and previous == "link"):
                kind = "link"
            elif token.low in _BY and previous == "adjective" or token.low in _PLACE_LINKS and following and _capitalised(following):
                kind = "link"  # "responsável pelo caso", "de uma escola em Paranaguá"
            elif _capitalised(token) or token.text in "()" or token.text[0].isdigit():
                if _capitalised(token) and previous in ("noun", "adjective"):
                    name = self.name_at(at)
                    if name is not None and not self._before_appositive_name(name.end):
                        return at, name
                kind = "capital"
            elif _is_lower_word(token) and token.low not in _BEFORE_BODY and token.low not in _CLAUSE_WORDS:
                if previous == "link":
                    kind = "noun"
                elif previous in ("role", "noun") or (previous == "capital" and following and following.text in ",)"):
                    kind = "adjective"  # "secretária estadual", "Defesa Civil estadual,"
                else:
                    break
            else:
                break
            previous = kind
            at += 1
        while at > start and (tokens[at - 1].low in _MODIFIER_LINKS or tokens[at - 1].low in _ARTICLES):
            at -= 1
        return at, None

    def _before_appositive_name(self, at: int) -> bool:
        """Whether ", Marcos Tavares" follows: the capitals before it named a body ("da consultoria AgroVisão")."""
        return at < len(self.tokens) and self.tokens[at].text == "," and self._appositive_name(at + 1) is not None

    def _appositive_name(self, at: int) -> _Name | None:
        """The name after a role's comma, perhaps after roles of its own ("o aposentado Jorge Pereira", "coronel Luciano Boeira")."""
        tokens = self.tokens
        if at < len(tokens) and tokens[at].low in _ARTICLES:
            at += 1
        for _ in range(3):
            if at < len(tokens) and _person_role(tokens[at].low) and not _capitalised(tokens[at]):
                at += 1
        name = self.name_at(at)
        if name is None:
            return None
        if name.end < len(tokens):
            after = tokens[name.end]
            if not (after.text in _AFTER_NAME or after.text == "(" or after.low in ("que", "e") or _is_verb(after)):
                return None
        return name

    def _description(self, lemma: str, role: _Role | None, article, first: int, index: int, end: int) -> _Description:
        tokens = self.tokens
        gender = (role.gender if role else None) or (article[0] if article else None)
        plural = role.plural if role else bool(article and article[1])
        written = self.text[tokens[first].start : tokens[end - 1].end]
        detail = " ".join(token.low for token in tokens[index:end])
        definite = bool(article) and tokens[first].low not in _INDEFINITE
        return _Description(lemma, written, gender, plural, detail, role.kinds if role else frozenset(), definite)

    def agent_at(self, index: int, article: tuple[str, bool] | None = None) -> tuple[_Agent, int] | None:
        """Who is named at ``index``: a name, a description or a pronoun, and where it ends.

        ``article``: the article already read in a contraction ("da coordenadora").
        """
        tokens = self.tokens
        if index >= len(tokens):
            return None
        start = index
        if article is None and tokens[index].low in _ARTICLES and index + 1 < len(tokens):
            article = _ARTICLES[tokens[index].low]
            index += 1
        elif article is None and tokens[index].low in _pronouns():
            gender, plural = _pronouns()[tokens[index].low]
            return _Agent(PRONOUN, gender=gender, plural=plural), index + 1
        name = self.name_at(index)
        if name is not None:
            role = self.appositive(name.end)
            body = article is not None and role is None and not name.addressed
            return _Agent(NAME, name, role, gender=name.gender, body=body), name.end
        found = self.role_at(index, article, start)
        if found is None:
            return None
        description, name, end = found
        if name is not None:
            return _Agent(NAME, name, description, gender=name.gender or description.gender), end
        return _Agent(DESCRIPTION, role=description, gender=description.gender, plural=description.plural), end

    def appositive(self, after_name: int) -> _Description | None:
        """The role after a name: "Chen Jie, vice-prefeito de Xangai,"."""
        tokens = self.tokens
        if after_name + 1 >= len(tokens) or tokens[after_name].text != ",":
            return None
        index = after_name + 1
        article = None
        if tokens[index].low in _ARTICLES:
            article = _ARTICLES[tokens[index].low]
            index += 1
        found = self.role_at(index, article, after_name + 1)
        return found[0] if found and found[1] is None else None

    def roles_before(self, name_start: int) -> list[_Description]:
        """The roles a name follows: "o motorista José Almeida", "o presidente da APS,
        Anderson Pomini", both of "o relator da proposta, deputado Aguinaldo Ribeiro"."""
        tokens = self.tokens
        found = []
        if name_start >= 2 and tokens[name_start - 2].low in _ARTICLES and _is_lower_word(tokens[name_start - 1]):
            if _role_of(tokens[name_start - 1].low) is None:  # "o paulista Gabriel Bortoleto", "a oposta Tainara"
                found.append(self.role_at(name_start - 1, _ARTICLES[tokens[name_start - 2].low], name_start - 2)[0])
        for start in range(name_start - 1, max(-1, name_start - ROLE_PHRASE_MAX_TOKENS - 4), -1):
            if tokens[start].text in ".;:!?":
                break
            if _person_role(tokens[start].low) is None:
                continue
            first = start - 1 if start > 0 and (tokens[start - 1].low in _ARTICLES or tokens[start - 1].low in _OF) else start
            article = (_ARTICLES.get(tokens[first].low) or _OF.get(tokens[first].low)) if first != start else None
            role = self.role_at(start, article, first)
            name = role[1] if role else None
            while name is not None and name.start < name_start and name.end < len(tokens) and tokens[name.end].low in (",", "e"):
                name = self.name_at(name.end + 1)  # "os irmãos Caetano Veloso e Maria Bethânia"
            if name is not None and name.start == name_start:
                found.append(role[0])
        return found

    def source_at(self, index: int) -> tuple[_Agent, int] | None:
        """ "Segundo o ministro", "De acordo com Chen", "Para o diretor da Anec, Sérgio Mendes," ."""
        tokens = self.tokens
        if index >= len(tokens):
            return None
        for phrase in _source_phrases().get(tokens[index].low, ()):
            end = index + len(phrase)
            if end > len(tokens):
                continue
            words = [token.low for token in tokens[index:end]]
            article = None
            if words[:-1] != list(phrase[:-1]):
                continue
            if words[-1] != phrase[-1]:
                if phrase[-1] != "de" or words[-1] not in _OF:
                    continue
                article = _OF[words[-1]]
            found = self.agent_at(end, article)
            if found is None:
                continue
            agent, agent_end = found
            if phrase == ("para",) and not (agent_end < len(tokens) and tokens[agent_end].text == ","):
                return None  # "para o transporte": not a source
            return found
        return None

    def after_verb(self, verb: int) -> _Agent | None:
        """Who follows a verb of saying: "disse Chen", "disse ao g1 o ministro", "afirmou, em nota, a Petrobras"."""
        tokens = self.tokens
        at = verb + 1
        steps = 0
        while at < len(tokens) and steps < 8:
            steps += 1
            token = tokens[at]
            if token.low in _FILLERS or token.text == ",":
                at += 1
            elif token.low in _PREPOSITIONS:
                at += 1
                while at < len(tokens) and tokens[at].text != "," and tokens[at].low not in _ARTICLES and tokens[at].text not in ".;:!?":
                    at += 1
            else:
                break
        found = self.agent_at(at)
        return found[0] if found else None

    def _opening(self) -> tuple[int, _Agent | None]:
        """Where a sentence's subject may start, past what opens it ("Já", "Em
        nota,", "Procurada,", "Nesta terça (5),"), or the source it opens with."""
        tokens = self.tokens
        start = 0
        for _ in range(4):
            while start < len(tokens) and tokens[start].low in _FILLERS:
                start += 1
            source = self.source_at(start)
            if source:
                return start, source[0]
            comma = next((at for at in range(start, min(len(tokens), start + 10)) if tokens[at].text == ","), None)
            # "Em nota,", "Depois da reunião,", "Questionado sobre falhas,": a phrase before the subject.
            opening = tokens[start].low if start < len(tokens) else ""
            opens_with_phrase = opening in _PREPOSITIONS or (
                opening in _not_names() and opening not in _ARTICLES and opening not in _pronouns()
            )
            opens_with_word = comma == start + 1 and self.name_at(start) is None and _role_of(tokens[start].low) is None
            if comma is None or not (opens_with_phrase or opens_with_word):
                break
            start = comma + 1
        source = self.source_at(start)
        return start, source[0] if source else None

    def has_subject(self) -> bool:
        """Whether the sentence names what it is about ("um cartaz dizia:"), or
        leaves it to the one before ("Mais tarde, em nota, afirmou que", "foi curto:")."""
        start, _ = self._opening()
        return start < len(self.tokens) and (self.tokens[start].low in _ARTICLES or _capitalised(self.tokens[start]))

    def sentence_agent(self) -> _Agent | None:
        """Who a sentence is about, when it says who speaks or acts: its source,
        the one a verb of saying names, or its subject."""
        tokens = self.tokens
        start, source = self._opening()
        if source:
            return source
        verb = next((at for at in range(start, len(tokens)) if _is_verb(tokens[at])), None)
        subject = self.agent_at(start)
        if verb is not None:
            if verb >= 2 and tokens[verb - 1].low == "que":
                last = verb - 2 if tokens[verb - 2].text != "," else verb - 3
                name = self.name_ending_at(last) if last >= 0 else None
                if name is not None and (name.start == 0 or tokens[name.start - 1].low not in _BEFORE_BODY):
                    return _Agent(NAME, name, self.appositive(name.end), gender=name.gender)
            if subject is not None and subject[1] <= verb:
                return subject[0]
            after = self.after_verb(verb)
            if after is not None:
                return after
            for at in range(verb - 1, max(start, verb - 30) - 1, -1):  # the nearest name before the verb that is not in a phrase
                name = self.name_ending_at(at) if _capitalised(tokens[at]) else None
                if name is not None and (name.start == 0 or tokens[name.start - 1].low not in _BEFORE_BODY):
                    return _Agent(NAME, name, self.appositive(name.end), gender=name.gender)
        reference = self.reference_agent(start)
        if reference is not None:
            return reference
        return subject[0] if subject else None

    def reference_agent(self, start: int = 0) -> _Agent | None:
        """ "A frase, do presidente do SNEL, Dante Cid" ; "A frase acima é da coordenadora ..."."""
        tokens = self.tokens
        at = start + 1 if start < len(tokens) and tokens[start].low in _ARTICLES else start
        if at >= len(tokens) or tokens[at].low not in _reference_nouns():
            return None
        link = at + 1
        while link < len(tokens) and link - at < 4 and (tokens[link].text == "," or tokens[link].low in _REFERENCE_LINKS):
            link += 1
        if link < len(tokens) and (tokens[link].low in _OF or tokens[link].low in _BY):
            found = self.agent_at(link + 1, _OF.get(tokens[link].low) or _BY.get(tokens[link].low))
            return found[0] if found else None
        return None

    def mentions(self) -> list[tuple[_Name, list[_Description], bool]]:
        """Every name in the text: (name, its roles, whether it is a body or a place).

        "como" and a role give it to the name before ("confirmou Gabriel
        Bortoleto como piloto titular").
        """
        tokens = self.tokens
        found: list[tuple[_Name, list[_Description], bool]] = []
        at = 0
        while at < len(tokens):
            if tokens[at].low == "como" and found and at + 1 < len(tokens):
                article_at = at + 1
                article = _ARTICLES.get(tokens[article_at].low)
                role = self.role_at(article_at + 1 if article else article_at, article, article_at)
                if role is not None and role[1] is None and BODY not in role[0].kinds:
                    found[-1][1].append(role[0])
            name = self.name_at(at) if _capitalised(tokens[at]) else None
            if name is None:
                at += 1
                continue
            roles = self.roles_before(at)
            after = self.appositive(name.end)
            roles += [after] if after else []
            body = not roles and not name.addressed and at > 0 and tokens[at - 1].low in _BEFORE_BODY
            found.append((name, roles, body))
            at = name.end
        return found


# -- people -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    words: tuple[str, ...] = ()
    description: str = ""
    """For someone the article never names: how it describes them ("o ministro")."""
    forms: dict[str, None] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    details: set[str] = field(default_factory=set)
    gender: str | None = None
    plural: bool = False
    person: bool = False
    """Someone, not a body or a place: a pronoun may point at them."""
    seen: int = 0
    mentioned: int = 0

    @property
    def keys(self) -> frozenset[str]:
        return _name_keys(self.words)

    @property
    def name(self) -> str:
        return " ".join(self.words) if self.words else self.description

    def fits(self, gender: str | None, plural: bool) -> bool:
        return self.plural == plural and (gender is None or self.gender is None or self.gender == gender)


class _People:
    """Everyone the article names or describes, and who spoke or acted last."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[_Person]] = {}
        self.with_role: dict[str, _Person] = {}
        self.descriptions: dict[str, _Person] = {}
        self.recent: list[_Person] = []
        self.clock = 0

    def _touch(self, person: _Person) -> _Person:
        self.clock += 1
        person.seen = self.clock
        return person

    def named(self, name: _Name, roles: list[_Description], body: bool) -> _Person:
        keys = name.keys
        best: _Person | None = None
        for key in keys:
            for person in self.by_word.get(key, [])[-LINKS_PER_WORD:]:
                if _same_name(name.words, person.words) and (best is None or person.seen > best.seen):
                    best = person
        if best is None:
            best = _Person()
        if len(keys) > len(best.keys):
            best.words = name.words
            for key in keys:
                if best not in self.by_word.setdefault(key, [])[-LINKS_PER_WORD:]:
                    self.by_word[key].append(best)
        best.forms.setdefault(name.written, None)
        best.mentioned += 1
        best.gender = best.gender or name.gender or _gender_of_first_name(name.words)
        for role in roles:
            self.describe_as(best, role)
        if not body:
            best.person = best.person or name.addressed or bool(roles)
        return self._touch(best)

    def describe_as(self, person: _Person, role: _Description) -> None:
        person.roles.add(role.lemma)
        person.details.add(role.detail)
        if role.gender and person.words:
            person.gender = person.gender or role.gender
        person.person = person.person or BODY not in role.kinds
        for lemma in role.kinds | {role.lemma}:
            self.with_role[lemma] = person

    def described(self, role: _Description, introduced: _Person | None = None, last: _Person | None = None) -> _Person:
        """Who a description is.

        A bare one in an attribution ("”, disse o jogador") is first
        ``introduced``, whom the sentence before it in its paragraph is about
        (a writer varies the words: "O chanceler Mauro Vieira afirmou... “…”,
        disse o ministro"). Then the nearest
        earlier person with this role, or a role that is one of it ("a médica"
        for an infectologist). Then, for a bare one, ``last``, who spoke or acted
        last, if nothing the article says of them contradicts it (another post
        of the table). Else it is someone known only by the description; "um assessor",
        "uma vizinha" always are: someone new.
        """
        if not role.definite:
            return self._known_only_as(role, unique=True)
        if role.bare and self._may_be(introduced, role, said_otherwise=False):
            return self._also_known_as(introduced, role)
        person = next((self.with_role[lemma] for lemma in (role.lemma, *sorted(role.kinds)) if lemma in self.with_role), None)
        if person is not None and person.fits(role.gender, role.plural):
            if role.bare or role.detail in person.details or all(" " not in detail for detail in person.details):
                return self._also_known_as(person, role)
        if role.bare and self._may_be(last, role):
            return self._also_known_as(last, role)
        return self._known_only_as(role)

    def _may_be(self, person: _Person | None, role: _Description, said_otherwise: bool = True) -> bool:
        """Whether a bare title may point at ``person``: a man for "o ministro", a body
        for "a empresa"; and, unless the title comes right after the sentence about
        them (``said_otherwise`` False: "O chanceler X afirmou... “…”, disse o ministro"),
        they have it or no post of the table ("o volante", "o líder", a relation)."""
        if person is None or not person.fits(role.gender, role.plural) or person.person == (BODY in role.kinds):
            return False
        if not said_otherwise or self._has_role(person, role):
            return True
        return not any(_role_of(known) and PERSON_ONLY not in _role_kinds(known) for known in person.roles)

    @staticmethod
    def _has_role(person: _Person, role: _Description) -> bool:
        lemmas = {role.lemma} | role.kinds
        return bool(person.roles & lemmas) or any(lemmas & _role_kinds(known) for known in person.roles)

    def _also_known_as(self, person: _Person, role: _Description) -> _Person:
        person.forms.setdefault(role.written, None)
        if role.lemma not in person.roles:
            self.describe_as(person, role)
        return self._touch(person)

    def _known_only_as(self, role: _Description, unique: bool = False) -> _Person:
        """Someone the article calls only by a description ("o ministro"); ``unique``: not one called so before."""
        person = None if unique else self.descriptions.get(role.detail)
        if person is None:
            written = role.written
            description = written[:1].lower() + written[1:] if written.split()[0].casefold() in _ARTICLES else written
            person = _Person(description=description, gender=role.gender, plural=role.plural, person=BODY not in role.kinds)
            self.descriptions[role.detail] = person
        person.forms.setdefault(role.written, None)
        self.describe_as(person, role)
        return self._touch(person)

    def pointed_at(self, gender: str | None, plural: bool) -> _Person | None:
        for person in reversed(self.recent[-LOOK_BACK:]):
            if person.person and person.fits(gender, plural):
                return person
        return None

    def spoke_or_acted(self, person: _Person | None) -> None:
        if person is not None:
            self.recent.append(person)
            if len(self.recent) > 4 * LOOK_BACK:
                del self.recent[: -LOOK_BACK]

    def last(self) -> _Person | None:
        return self.recent[-1] if self.recent else None

    def most_named_person(self) -> _Person | None:
        people = {person for persons in self.by_word.values() for person in persons if person.person}
        return max(people, key=lambda person: (person.mentioned, -person.seen), default=None)


def _same_name(words: tuple[str, ...], known: tuple[str, ...]) -> bool:
    """Whether two forms may name the same one: the words of one are all in the
    other ("Chen" and "Chen Jie", "Lula" and "Luiz Inácio Lula da Silva"); a
    body's name ("CPI da Petrobras", "Ministério da Saúde") only by its opening words."""
    shorter, longer = sorted((words, known), key=len)
    if not _name_keys(shorter) <= _name_keys(longer):
        return False
    if _is_body_name(longer) and len(shorter) < len(longer):
        return [word.casefold() for word in longer[: len(shorter)]] == [word.casefold() for word in shorter]
    return True


def _is_body_name(words: tuple[str, ...]) -> bool:
    """ "CPI da Petrobras", "Secretaria de Segurança Pública": an acronym or a body's noun first."""
    first = words[0]
    role = _role_of(first.casefold())
    return (len(words) > 1 and len(first) > 1 and first.isupper()) or (role is not None and BODY in role.kinds)


def _gender_of_first_name(words: tuple[str, ...]) -> str | None:
    from audio_artigo.normalize.gender import name_is_feminine

    first = next((word for word in words if not word.endswith(".")), "")
    if len(words) < 2 or not first[:1].isupper() or first.isupper():
        return None  # a single word may be a surname; capitals, an acronym
    if name_is_feminine(first):
        return "f"
    return "m" if first.endswith(("o", "os")) else None


# -- the article --------------------------------------------------------------------------


def attribute(paragraphs: Sequence[Sequence[Segment]], continued: set[int], turns: dict[int, Turn]) -> list[Speaker]:
    """Set each quote segment's ``speaker`` and return the article's speakers in order of first speech.

    ``paragraphs``: every paragraph in reading order (title and headings
    included); ``continued``: the paragraphs whose first quotation goes on with
    the previous paragraph's last one; ``turns``: interview turns by paragraph.
    """
    return _Attribution(paragraphs, continued, turns).run()


class _Attribution:
    def __init__(self, paragraphs, continued: set[int], turns: dict[int, Turn]):
        self.paragraphs = paragraphs
        self.continued = continued
        self.turns = turns
        self.people = _People()
        self.lower_words = frozenset(
            found.group().casefold()
            for paragraph in paragraphs
            for segment in paragraph
            for found in re.finditer(r"(?<![\w'’-])[a-zà-öø-ÿ][\w'’-]*", segment.text)
        )
        self.spoken: dict[tuple[int, int], _Person | None] = {}
        self.interviewee: _Person | None = None
        self.readers: dict[str, _Reader] = {}

    def run(self) -> list[Speaker]:
        chain: list[tuple[tuple[int, int], _Person | None]] = []
        for p, paragraph in enumerate(self.paragraphs):
            for s, segment in enumerate(paragraph):
                if segment.kind == "narration":
                    self._read(segment.text)
                    continue
                own = self._own(p, s)
                chain.append(((p, s), own))
                if self._runs_on(p, s):
                    continue  # the rest of this quotation is in the next paragraph
                speaker = next((person for _, person in chain if person is not None), None) or self._inherited(p, s)
                for place, _ in chain:
                    self.spoken[place] = speaker
                chain.clear()
                self.people.spoke_or_acted(speaker)
        return self._speakers()

    def _runs_on(self, p: int, s: int) -> bool:
        return s == len(self.paragraphs[p]) - 1 and p + 1 in self.continued

    def _speakers(self) -> list[Speaker]:
        """The speakers in order of first speech, each with a name of their own
        (a second "um morador" is "um morador (2)")."""
        order: dict[_Person, Speaker] = {}
        taken: dict[str, int] = {}
        for (p, s), person in sorted(self.spoken.items()):
            if person is not None and person not in order:
                taken[person.name] = count = taken.get(person.name, 0) + 1
                order[person] = Speaker(person.name if count == 1 else f"{person.name} ({count})", list(person.forms))
            self.paragraphs[p][s].speaker = order[person].name if person else None
        return list(order.values())

    def _reader(self, text: str) -> _Reader:
        """A reader of ``text``; the few last ones are kept (a quotation's attribution is read more than once)."""
        reader = self.readers.get(text)
        if reader is None:
            if len(self.readers) >= 16:
                self.readers.clear()
            reader = self.readers[text] = _Reader(text, _tokens(text), self.lower_words)
        return reader

    def _read(self, text: str) -> None:
        """Narration: every name in it, and who each sentence says speaks or acts."""
        for sentence in split_sentences(text):
            reader = self._reader(sentence[:SENTENCE_MAX])
            for name, roles, body in reader.mentions():
                self.people.named(name, roles, body)
            agent = reader.sentence_agent()
            if agent is not None and agent.kind != ZERO:
                speaks = any(_is_verb(token) for token in reader.tokens)
                person = self._resolve(agent, speaks=speaks)
                if person is not None and person.person:
                    self.people.spoke_or_acted(person)

    # - one quotation -

    def _own(self, p: int, s: int) -> _Person | None:
        """The speaker a quotation's own attribution names (steps 1 to 5)."""
        paragraph = self.paragraphs[p]
        if p in self.turns:
            return self._turn_speaker(self.turns[p])
        after = paragraph[s + 1].text[:WINDOW] if s + 1 < len(paragraph) and paragraph[s + 1].kind == "narration" else None
        before = paragraph[s - 1].text[-WINDOW:] if s > 0 and paragraph[s - 1].kind == "narration" else None
        if after is not None:
            reader = self._reader(after)
            agent = self._attribution_after(reader)
            if agent is not None:
                return self._resolve(agent, p, s)
        if before is not None:
            sentences = split_sentences(before)
            if sentences:
                reader = self._reader(sentences[-1])
                if self._introduces(reader):
                    agent = reader.sentence_agent() or (None if reader.has_subject() else _Agent(ZERO))
                    # No one, when what introduces it is not someone ("um cartaz dizia:").
                    return self._resolve(agent, p, s, before=len(sentences) - 1) if agent else None
        if s == 0 and p not in self.continued:
            colon = self._colon_before(p)
            if colon is not None:
                return colon
        following = after if after is not None else self._next_paragraph_opening(p, s)
        if following is not None:
            sentences = split_sentences(following)
            if sentences:
                reader = self._reader(sentences[0])
                agent = reader.reference_agent() or self._dash_line(reader, following)
                if agent is not None:
                    return self._resolve(agent, p, s)
        return None

    def _turn_speaker(self, turn: Turn) -> _Person | None:
        if turn.role == INTERVIEWEE:
            if self.interviewee is None:
                self.interviewee = self.people.most_named_person() or self.people.described(
                    _Description("entrevistado", "o entrevistado", None, False, "entrevistado", definite=True)
                )
            return self.interviewee
        if turn.role != PERSON:
            return None
        reader = self._reader(turn.label)
        name = reader.name_at(0)
        if name is not None and name.end == len(reader.tokens):
            person = self.people.named(name, [], body=False)
            person.person = True
            return person
        return self.people.described(_Description(turn.label.casefold(), turn.label, None, False, turn.label.casefold(), definite=True))

    @staticmethod
    def _attribution_after(reader: _Reader) -> _Agent | None:
        """ "disse Chen" , "segundo o ministro", "o ministro disse" right after a quotation."""
        tokens = reader.tokens
        at = 0
        while at < len(tokens) and tokens[at].text in ",;" + _DASHES:
            at += 1
        if at >= len(tokens):
            return None
        if _is_verb(tokens[at]):
            return reader.after_verb(at) or _Agent(ZERO)
        if _PAST_TENSE.fullmatch(tokens[at].text) and at + 1 < len(tokens):
            found = reader.agent_at(at + 1)  # a verb the table lacks, then who: "”, encerrou Carlos Souza"
            if found is not None:
                return found[0]
        source = reader.source_at(at)
        if source is not None:
            return source[0]
        found = reader.agent_at(at)
        if found is not None:
            agent, end = found
            while end < len(tokens) and tokens[end].low in _FILLERS:
                end += 1
            if end < len(tokens) and _is_verb(tokens[end]) and not (end + 1 < len(tokens) and tokens[end + 1].low == "que"):
                return agent
        return None

    @staticmethod
    def _introduces(reader: _Reader) -> bool:
        """Whether a sentence leads into the quotation after it: a colon, "que",
        a verb of saying, a source and a comma, or a verb of saying in a
        sentence the quotation ends ("afirmou que o texto “corrige distorções”")."""
        tokens = reader.tokens
        if not tokens:
            return False
        last = tokens[-1]
        if last.text == ":" or last.low == "que" or _is_verb(last):
            return True
        if last.text == "," and reader.source_at(0) is not None:
            return True
        return last.text not in ".!?…;" and any(_is_verb(token) for token in tokens)

    def _colon_before(self, p: int) -> _Person | None:
        """The speaker named by the previous paragraph when it ends with a colon."""
        if p == 0 or not self.paragraphs[p - 1]:
            return None
        last = self.paragraphs[p - 1][-1]
        if last.kind != "narration" or not last.text.rstrip().endswith(":"):
            return None
        sentences = split_sentences(last.text[-WINDOW:])
        agent = self._reader(sentences[-1]).sentence_agent() if sentences else None
        return self._resolve(agent) if agent is not None else None

    def _next_paragraph_opening(self, p: int, s: int) -> str | None:
        if s != len(self.paragraphs[p]) - 1 or p + 1 >= len(self.paragraphs) or p + 1 in self.turns:
            return None
        following = self.paragraphs[p + 1]
        if not following or following[0].kind != "narration":
            return None
        return following[0].text[:WINDOW]

    def _dash_line(self, reader: _Reader, text: str) -> _Agent | None:
        """ "— Regiane de Paula, coordenadora": a short line after a block quotation."""
        tokens = reader.tokens
        if not tokens or tokens[0].text not in _DASHES or len(text.split()) > DASH_LINE_MAX_WORDS:
            return None
        found = reader.agent_at(1)
        return found[0] if found else None

    def _resolve(self, agent: _Agent, p: int | None = None, s: int | None = None, speaks: bool = True, before: int | None = None) -> _Person | None:
        """The person an agent is; one who speaks (not a body) is someone a pronoun may point at.

        ``p``, ``s``: the quotation it attributes, if it does (a description
        there may point back at who spoke last); ``before``: how many sentences
        of the narration before the quotation are before the agent's own.
        """
        if agent.kind == NAME:
            person = self.people.named(agent.name, [agent.role] if agent.role else [], agent.body)
            person.person = person.person or (speaks and not agent.body)
            if agent.body and speaks:
                self.people.with_role[BODY] = person  # "a Petrobras informou": "a empresa" may be it
            return person
        if agent.kind == DESCRIPTION:
            if p is None:
                return self.people.described(agent.role)
            return self.people.described(agent.role, self._paragraph_agent(p, s, before), self.people.last())
        if agent.kind == PRONOUN:
            return self.people.pointed_at(agent.gender, agent.plural)
        return self._subject_of_context(p, s, before)

    def _paragraph_agent(self, p: int, s: int, before: int | None = None) -> _Person | None:
        """Whom the sentences before quotation ``s`` in paragraph ``p`` are about
        (the nearest that says; ``before``: only the sentences before that one)."""
        paragraph = self.paragraphs[p]
        if not s or paragraph[s - 1].kind != "narration":
            return None
        sentences = split_sentences(paragraph[s - 1].text[-WINDOW:])
        for sentence in reversed(sentences[: before if before is not None else len(sentences)][-CONTEXT_SENTENCES:]):
            agent = self._reader(sentence).sentence_agent()
            if agent is not None and agent.kind != ZERO:
                person = self._resolve(agent)
                if person is not None:
                    return person
        return None

    def _subject_of_context(self, p: int | None, s: int | None, before: int | None = None) -> _Person | None:
        """Who an attribution without a subject ("”, disse.") is: whom the
        sentences before the quotation in its paragraph are about, else the
        speaker of the previous paragraph's colon, of the paragraph's previous
        quotation, or who spoke or acted last."""
        if p is None:
            return self.people.last()
        paragraph = self.paragraphs[p]
        person = self._paragraph_agent(p, s, before)
        if person is not None:
            return person
        if not any(segment.kind == "narration" for segment in paragraph[:s]):
            colon = self._colon_before(p)
            if colon is not None:
                return colon
        for earlier in range((s or 0) - 1, -1, -1):
            if (p, earlier) in self.spoken and self.spoken[(p, earlier)] is not None:
                return self.spoken[(p, earlier)]
        return self.people.last()

    def _inherited(self, p: int, s: int) -> _Person | None:
        """The speaker of the quotation this one goes on with (step 6)."""
        paragraph = self.paragraphs[p]
        for earlier in range(s - 1, -1, -1):
            if paragraph[earlier].kind == "quote":
                between = paragraph[earlier + 1 : s]
                if all(self._attribution_after(self._reader(piece.text[:WINDOW])) is not None for piece in between):
                    return self.spoken.get((p, earlier))
                return None
        if any(segment.kind == "narration" for segment in paragraph) or p == 0 or p in self.turns:
            return None
        previous = self.paragraphs[p - 1]
        last_quote = max((index for index, segment in enumerate(previous) if segment.kind == "quote"), default=None)
        if last_quote is None or (p - 1) in self.turns:
            return None
        tail = previous[last_quote + 1 :]
        if len(tail) > 1 or (tail and self._attribution_after(self._reader(tail[0].text[:WINDOW])) is None):
            return None
        return self.spoken.get((p - 1, last_quote))
