"""Suggesting a catalogue category from the text of an appeal.

A resident types a few words on a phone — "电梯困人了", "The lift is broken again" — and the intake form offers
the categories of the dispatch catalogue (:mod:`comity.engine.catalogue`) that the words point to. The resident
or the first receiver confirms or changes the choice; the suggestion only saves a look through the list.

**Terms.** Each category's terms are its keywords, its Chinese name and its English name, compared after
Unicode NFKC normalisation and case folding (full-width letters count as ordinary letters).

- A term with a Chinese character matches as a *substring* of the text, since Chinese is written without
  spaces: "燃气" matches "燃气味道很重".
- Any other term matches *whole words*: the text and the term are cut into words (letters and digits, joined
  by hyphens), a simple plural is stripped from both ("dogs" → "dog", "batteries" → "battery", "cockroaches"
  → "cockroach") and the term's words must appear one after another in the text ("street light").

**Weights.** A matched term weighs its length: one unit per Chinese character and two units per English
word, so that "电梯" and "lift" weigh the same and "加装电梯" (4) beats "电梯" (2). A term listed twice for a
category (a keyword equal to the name) counts once.

**Score.** For a category ``c`` with matched own terms of total weight ``own(c)`` and matched terms of its
ancestors of total weight ``inherited(c)``:

- a leaf (a category without children) scores ``own(c) + inherited(c) / B``, where ``B`` exceeds the weight of
  all ancestor terms in the catalogue, so the parent's words only break ties between leaves ("邻居家的狗" goes
  to ``disputes.pets`` rather than to another leaf matching as much);
- a parent scores ``own(c) / 2``, so the specific matter beats the general one for matches of equal weight,
  and the parent is offered alone when only its general words match ("需要维修" → ``facilities``);
- a category with no own match is not suggested.

Suggestions are sorted by descending score, ties by catalogue order (depth-first, parents before children).
Scores are :class:`~fractions.Fraction` values, so the order never depends on rounding. The method is a plain
keyword match on purpose: deterministic, explainable to the resident (``matched`` lists the words) and free of
trained models or external data. See ``docs/algorithms/category-suggestion.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from comity.engine.catalogue import DISPATCH_CATALOGUE, CategorySpec, iter_catalogue

#: Units per English word, so that an English word weighs about as much as a two-character Chinese word.
WORD_WEIGHT = 2
#: A parent category's own matches count for this fraction of a leaf's.
PARENT_FACTOR = Fraction(1, 2)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    score: Fraction
    #: The category's own keywords and names found in the text, in catalogue order.
    matched: tuple[str, ...]
    #: Its ancestors' keywords and names found in the text (a tie-breaker only).
    inherited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    #: The normalised form: a string for Chinese terms, a tuple of singular words otherwise.
    key: str | tuple[str, ...]
    weight: int


@dataclass(frozen=True, slots=True)
class _Entry:
    code: str
    is_leaf: bool
    own: tuple[_Term, ...]
    ancestors: tuple[_Term, ...]


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def singular(word: str) -> str:
    """Strip a simple English plural: ``batteries`` → ``battery``, ``boxes`` → ``box``, ``dogs`` → ``dog``.

    Applied to the text and the keywords alike, so an imperfect stem ("noises" → "noise", "status" → "status")
    still matches consistently.
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "zes", "ches", "shes", "oes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def _words(text: str) -> tuple[str, ...]:
    return tuple(singular(word) for word in _WORD.findall(text))


def _term(text: str) -> _Term | None:
    normal = _normalise(text).strip()
    if _HAN.search(normal):
        return _Term(text, normal, len(normal))
    words = _words(normal)
    return _Term(text, words, WORD_WEIGHT * len(words)) if words else None


def _own_terms(spec: CategorySpec) -> tuple[_Term, ...]:
    terms: dict[str | tuple[str, ...], _Term] = {}
    for raw in (*spec.keywords.split(), spec.name_zh, spec.name_en):
        term = _term(raw)
        if term is not None and term.key not in terms:
            terms[term.key] = term
    return tuple(terms.values())


@lru_cache(maxsize=8)
def _index(catalogue: tuple[CategorySpec, ...]) -> tuple[tuple[_Entry, ...], int]:
    """The catalogue's entries in order, and the tie-breaker denominator ``B``."""
    flat = iter_catalogue(catalogue)
    own = {spec.code: _own_terms(spec) for spec, _ in flat}
    parents = {spec.code: parent for spec, parent in flat}
    entries = []
    for spec, _ in flat:
        ancestors: list[_Term] = []
        parent = parents[spec.code]
        while parent is not None:
            ancestors.extend(own[parent])
            parent = parents[parent]
        entries.append(_Entry(spec.code, not spec.children, own[spec.code], tuple(ancestors)))
    bound = 1 + max((sum(t.weight for t in entry.ancestors) for entry in entries), default=0)
    return tuple(entries), bound


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _matches(terms: tuple[_Term, ...], text: str, words: tuple[str, ...]) -> list[_Term]:
    return [
        term
        for term in terms
        if (term.key in text if isinstance(term.key, str) else _contains(words, term.key))
    ]


def suggest_categories(
    text: str, *, catalogue: tuple[CategorySpec, ...] = DISPATCH_CATALOGUE, limit: int = 3
) -> list[Suggestion]:
    """The at most ``limit`` categories whose words appear in ``text``, best first (see the module docstring).

    Returns ``[]`` for empty text or text that matches no category. Raises ``ValueError`` for a negative limit.
    """
    if limit < 0:
        raise ValueError(f"limit must be non-negative, got {limit}")
    normal = _normalise(text)
    if not normal.strip() or limit == 0:
        return []
    words = _words(normal)
    entries, bound = _index(catalogue)
    ranked: list[tuple[Fraction, int, Suggestion]] = []
    for position, entry in enumerate(entries):
        own = _matches(entry.own, normal, words)
        if not own:
            continue
        weight = sum(term.weight for term in own)
        inherited = _matches(entry.ancestors, normal, words) if entry.is_leaf else []
        if entry.is_leaf:
            score = weight + Fraction(sum(term.weight for term in inherited), bound)
        else:
            score = weight * PARENT_FACTOR
        matched = tuple(term.text for term in own)
        ranked.append(
            (score, position, Suggestion(entry.code, score, matched, tuple(t.text for t in inherited)))
        )
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [suggestion for _, _, suggestion in ranked[:limit]]
