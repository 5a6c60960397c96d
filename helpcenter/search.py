"""Search over article titles and bodies in both languages, with highlighted snippets.

A plain case-insensitive substring match (``icontains``) on the four text fields: it behaves
the same on SQLite and PostgreSQL and needs no word segmentation for Chinese. On PostgreSQL,
trigram indexes (migration 0002) answer selective terms without a full scan. Every term must
match somewhere; results whose title matches come first, and the list is capped.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import and_, or_

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markup import plain_text
from .models import Article

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
RESULT_CAP = 200
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30
SEARCH_CACHE_SECONDS = 10 * 60

TEXT_FIELDS = ("title_zh", "title_en", "body_zh", "body_en")


def search_terms(query: str) -> list[str]:
    """Distinct whitespace-separated terms of ``query``, at most ``MAX_TERMS`` of them."""
    terms: list[str] = []
    for term in query[:MAX_QUERY_LENGTH].split():
        if term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)
    return terms[:MAX_TERMS]


def _matches(term: str, fields: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))


def matching_article_ids(terms: list[str]) -> list[int]:
    """Ids of published articles containing every term, best first, at most RESULT_CAP + 1.

    One more than the cap is fetched so the page can say "more than 200". Results are cached
    until any article changes: popular searches match many articles, which is the slow case.
    """
    if not terms:
        return []
    folded = "\x1f".join(term.casefold() for term in terms)
    digest = hashlib.sha256(folded.encode()).hexdigest()
    key = f"helpcenter:search:{Article.objects.content_version()}:{digest}"
    ids = cache.get(key)
    if ids is None:
        ids = _query_ids(terms)
        cache.set(key, ids, SEARCH_CACHE_SECONDS)
    return ids


def _query_ids(terms: list[str]) -> list[int]:
    every_term = reduce(and_, (_matches(term, TEXT_FIELDS) for term in terms))
    title_hit = _matches(terms[0], ("title_zh", "title_en"))
    queryset = (
        Article.objects.published()
        .filter(every_term)
        .annotate(
            title_rank=Case(
                When(title_hit, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("title_rank", "-is_hot", "category__position", "position", "id")
    )
    return list(queryset.values_list("id", flat=True)[: RESULT_CAP + 1])


@lru_cache(maxsize=64)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "验证报告" wins over "验证" where both match at one place.
    alternatives = sorted((re.escape(term) for term in terms), key=len, reverse=True)
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
