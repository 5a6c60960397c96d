"""Search over article titles and bodies in both languages, with highlighted snippets.

Chinese is written without spaces and asked in many word forms (身份证号码重复, 身份证号重复,
身份证重复), so a term matches a text when the text contains it, one of its synonyms (staff edit
the groups in the admin: 忘记密码 = 找回密码), or most of its character bigrams (身份证重复 shares
three of its four bigrams with 身份证号重复). English terms match by word, with plural and -ed /
-ing endings set aside. Every whitespace-separated term must match somewhere; title matches weigh
three times body matches, and the best articles come first. The same on SQLite and PostgreSQL: a
help centre has a few hundred articles at most, and each query's order is cached until an
article or a synonym changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markup import plain_text
from .models import Article, SearchSynonym

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
RESULT_CAP = 200
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30
SEARCH_CACHE_SECONDS = 10 * 60
# A Chinese term that is not in a text verbatim still matches when this share of its bigrams is.
MIN_BIGRAM_SHARE = 0.6
TITLE_WEIGHT = 3

TEXT_FIELDS = ("title_zh", "title_en", "body_zh", "body_en")

HAN = r"\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_RUN = re.compile(f"[{HAN}]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a question: 怎么办, "how do I".
CHINESE_FILLERS = re.compile("怎么办|怎么样|怎么|如何|为什么|什么|请问|是否|吗|呢|了|的")
ENGLISH_FILLERS = frozenset(
    "a an and are can do does for how i is it me my of on or the to what why with".split()
)


def search_terms(query: str) -> list[str]:
    """Distinct whitespace-separated terms of ``query``, at most ``MAX_TERMS`` of them."""
    terms: list[str] = []
    for term in query[:MAX_QUERY_LENGTH].split():
        if term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms[:MAX_TERMS]


def stem(word: str) -> str:
    """English endings set aside, so "registered" finds "register" and "codes" finds "code"."""
    for ending in ("ing", "ed", "es", "e", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _pieces(text: str) -> tuple[set[str], set[str]]:
    """The Chinese bigrams (a lone character stands for itself) and English word stems."""
    text = text.casefold()
    grams: set[str] = set()
    for run in HAN_RUN.findall(CHINESE_FILLERS.sub(" ", text)):
        grams.update({run} if len(run) == 1 else {run[i : i + 2] for i in range(len(run) - 1)})
    words = {stem(w) for w in LATIN_WORD.findall(text) if w not in ENGLISH_FILLERS}
    return grams, words


def variants(term: str, groups: list[list[str]]) -> list[str]:
    """``term`` and each way of writing it that a synonym group allows."""
    folded = term.casefold()
    found = [folded]
    for group in groups:
        for member in group:
            if member in folded:
                found += [folded.replace(member, other) for other in group if other != member]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class _Text:
    """One article's title and body, folded, with their English word stems."""

    title: str
    body: str
    title_words: frozenset[str]
    body_words: frozenset[str]

    @classmethod
    def of(cls, title: str, body: str) -> _Text:
        title, body = title.casefold(), body.casefold()
        return cls(title, body, cls._stems(title), cls._stems(body))

    @staticmethod
    def _stems(text: str) -> frozenset[str]:
        return frozenset(stem(word) for word in LATIN_WORD.findall(text))


def _share(variant: str, text: str, words: frozenset[str]) -> float:
    """How well one way of writing a term matches one text: 1 when it is there verbatim."""
    if variant in text:
        return 1.0
    grams, stems = _pieces(variant)
    pieces = len(grams) + len(stems)
    if not pieces:
        return 0.0
    found = sum(1 for gram in grams if gram in text) + len(stems & words)
    share = found / pieces
    return share if share >= MIN_BIGRAM_SHARE else 0.0


def _score(text: _Text, term_variants: list[list[str]]) -> float:
    """The article's score, or 0 when one of the terms matches nowhere in it."""
    total = 0.0
    for forms in term_variants:
        best = max(
            TITLE_WEIGHT * _share(form, text.title, text.title_words)
            + _share(form, text.body, text.body_words)
            for form in forms
        )
        if best == 0:
            return 0.0
        total += best
    return total


def synonym_groups() -> tuple[str, list[list[str]]]:
    """The synonym groups staff keep in the admin, with their version."""
    return SearchSynonym.objects.snapshot()


def matching_article_ids(
    terms: list[str], synonyms: tuple[str, list[list[str]]] | None = None
) -> list[int]:
    """Ids of published articles matching every term, best first, at most RESULT_CAP + 1.

    One more than the cap is fetched so the page can say "more than 200". Results are cached
    until an article or a synonym group changes.
    """
    if not terms:
        return []
    synonym_version, groups = synonyms or synonym_groups()
    folded = "\x1f".join(term.casefold() for term in terms)
    digest = hashlib.sha256(folded.encode()).hexdigest()
    key = f"helpcenter:search:{Article.objects.content_version()}:{synonym_version}:{digest}"
    ids = cache.get(key)
    if ids is None:
        ids = _query_ids(terms, groups)
        cache.set(key, ids, SEARCH_CACHE_SECONDS)
    return ids


def _query_ids(terms: list[str], groups: list[list[str]]) -> list[int]:
    # "how", "怎么办": a term made only of filler words asks for nothing.
    meaningful = [term for term in terms if any(_pieces(term))] or terms
    term_variants = [variants(term, groups) for term in meaningful]
    rows = Article.objects.published().values_list(
        "id", *TEXT_FIELDS, "is_hot", "category__position", "position"
    )
    scored = []
    for pk, title_zh, title_en, body_zh, body_en, is_hot, category_position, position in rows:
        text = _Text.of(f"{title_zh}\n{title_en}", f"{body_zh}\n{body_en}")
        score = _score(text, term_variants)
        if score:
            scored.append((-score, not is_hot, category_position, position, pk))
    scored.sort()
    return [row[-1] for row in scored[: RESULT_CAP + 1]]


def highlight_terms(terms: list[str], groups: list[list[str]]) -> list[str]:
    """What to mark in titles and snippets: the terms, their synonyms, their bigrams."""
    marked: list[str] = []
    for term in terms:
        for form in variants(term, groups):
            grams, stems = _pieces(form)
            marked += [form, *sorted(grams), *sorted(stems)]
    return list(dict.fromkeys(marked))


@lru_cache(maxsize=64)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "验证报告" wins over "验证" where both match at one place. An English
    # word is marked whole: "register" marks "registered".
    alternatives = sorted(
        (
            rf"\b{re.escape(term)}[a-z]*"
            if LATIN_WORD.fullmatch(term.casefold())
            else re.escape(term)
            for term in terms
        ),
        key=len,
        reverse=True,
    )
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _pattern(terms: list[str]) -> re.Pattern[str]:
    return _compiled(tuple(terms))


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with each occurrence of a term wrapped in <mark>."""
    if not terms:
        return escape(text)
    pieces: list[str] = []
    position = 0
    for match in _pattern(terms).finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece was escaped above


def snippet(text: str, terms: list[str]) -> SafeString:
    """About SNIPPET_LENGTH characters of ``text`` around the first match, highlighted."""
    found = _pattern(terms).search(text) if terms else None
    start = max(0, found.start() - SNIPPET_LEAD) if found else 0
    end = min(len(text), start + SNIPPET_LENGTH)
    excerpt = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(excerpt, terms)}{suffix}")  # noqa: S308 - escaped


@dataclass(frozen=True)
class SearchHit:
    article: Article
    title: SafeString
    snippet: SafeString
    snippet_language: str


def build_hit(article: Article, terms: list[str]) -> SearchHit:
    """The title in the active language; the snippet from whichever language matched."""
    pattern = _pattern(terms)
    text, language = plain_text(article.body), article.body_language
    if not pattern.search(text):
        # The match is in the other language (an English term on the Chinese site, say).
        other_language = "zh-hans" if language == "en" else "en"
        other = plain_text(article.body_zh if other_language == "zh-hans" else article.body_en)
        if pattern.search(other):
            text, language = other, other_language
    return SearchHit(
        article=article,
        title=highlight(article.title, terms),
        snippet=snippet(text, terms),
        snippet_language=language,
    )
