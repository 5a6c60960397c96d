"""Votes on articles (这个回答是否有用), one per visitor."""

from __future__ import annotations

import secrets
from typing import Literal, overload

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .models import Article, ArticleVote

VISITOR_SESSION_KEY = "helpcenter_visitor"


@overload
def visitor_key(request: HttpRequest, *, create: Literal[True]) -> str: ...
@overload
def visitor_key(request: HttpRequest, *, create: bool) -> str | None: ...


def visitor_key(request: HttpRequest, *, create: bool) -> str | None:
    """A stable, anonymous key for this visitor, or None if they have none and ``create`` is off.

    The session holds a random token (created on the first vote); the key stored with votes is a
    keyed hash of it, so the database never sees the session key, the token or an IP address.
    """
    token = request.session.get(VISITOR_SESSION_KEY)
    if token is None:
        if not create:
            return None
        token = secrets.token_urlsafe(24)
        request.session[VISITOR_SESSION_KEY] = token
    return salted_hmac("helpcenter.visitor", token, algorithm="sha256").hexdigest()


def article_vote(*, article: Article, visitor: str, helpful: bool) -> bool:
    """Record the visitor's answer; True if counted, False if they had already voted."""
    _vote, created = ArticleVote.objects.get_or_create(
        article=article, visitor=visitor, defaults={"helpful": helpful}
    )
    return created


def has_voted(*, article: Article, visitor: str | None) -> bool:
    if visitor is None:
        return False
    return ArticleVote.objects.filter(article=article, visitor=visitor).exists()


def vote_counts(article: Article) -> dict[str, int]:
    """Yes and no counts, for staff."""
    return ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
