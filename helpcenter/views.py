"""Help centre pages: index, category, article, search, votes, and announcement pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import search as help_search
from .markup import render_cached
from .models import Announcement, Article, Category
from .services import article_vote, has_voted, visitor_key, vote_counts

ARTICLES_PER_PAGE = 30
RESULTS_PER_PAGE = 20
RECENT_NEWS = 8

VOTE_CHOICES = {"yes": True, "no": False}


def navigation() -> list[Category]:
    """Categories in order, each with ``nav_articles``: the left navigation of every help page."""
    in_navigation = Prefetch(
        "articles", queryset=Article.objects.in_navigation(), to_attr="nav_articles"
    )
    return list(Category.objects.prefetch_related(in_navigation))


def article_url(article: Article) -> str:
    return reverse("helpcenter:article", args=[article.category.slug, article.slug])


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    categories = navigation()
    hot = list(Article.objects.hot())
    for entry in categories:
        entry.hot_articles = [a for a in hot if a.category_id == entry.pk]
    return render(request, "helpcenter/index.html", {"categories": categories})


@require_GET
def category(request: HttpRequest, category: str) -> HttpResponse:
    current = get_object_or_404(Category, slug=category)
    articles = current.articles.published().order_by("-in_navigation", "position", "id")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "helpcenter/category.html",
        {
            "categories": navigation(),
            "category": current,
            "page": page,
            "hot_articles": Article.objects.hot().filter(category=current),
        },
    )


@require_GET
def article(request: HttpRequest, category: str, slug: str) -> HttpResponse:
    shown = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    if shown.category.slug != category:
        # The article moved to another category: old links keep working.
        return redirect(article_url(shown), permanent=True)
    context = {
        "categories": navigation(),
        "category": shown.category,
        "article": shown,
        "body_html": render_cached(shown.body, content_version=Article.objects.content_version()),
        "hot_articles": Article.objects.hot().filter(category=shown.category).exclude(pk=shown.pk),
        "has_voted": has_voted(article=shown, visitor=visitor_key(request, create=False)),
        "vote_counts": vote_counts(shown) if request.user.is_staff else None,
    }
    return render(request, "helpcenter/article.html", context)


@require_POST
def vote(request: HttpRequest, category: str, slug: str) -> HttpResponse:
    voted = get_object_or_404(Article.objects.published().select_related("category"), slug=slug)
    choice = request.POST.get("helpful")
    if choice not in VOTE_CHOICES:
        return HttpResponseBadRequest("helpful must be yes or no")
    # A second vote from the same visitor is ignored; the page then shows "already rated".
    article_vote(
        article=voted, visitor=visitor_key(request, create=True), helpful=VOTE_CHOICES[choice]
    )
    return redirect(article_url(voted) + "#vote")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: help_search.MAX_QUERY_LENGTH]
    terms = help_search.search_terms(query)
    synonyms = help_search.synonym_groups() if terms else ("", [])
    ids = help_search.matching_article_ids(terms, synonyms)
    capped = len(ids) > help_search.RESULT_CAP
    page = Paginator(ids[: help_search.RESULT_CAP], RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    by_id = Article.objects.select_related("category").in_bulk(list(page.object_list))
    marked = help_search.highlight_terms(terms, synonyms[1]) if ids else terms
    hits = [help_search.build_hit(by_id[pk], marked) for pk in page.object_list if pk in by_id]
    return render(
        request,
        "helpcenter/search.html",
        {
            "categories": navigation(),
            "query": query,
            "terms": terms,
            "page": page,
            "hits": hits,
            "capped": capped,
            "result_cap": help_search.RESULT_CAP,
        },
    )


@require_GET
def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Announcement.objects.published(), pk=pk)
    context = {
        "announcement": shown,
        "body_html": render_cached(shown.body, content_version=Article.objects.content_version()),
        "recent": Announcement.objects.published().exclude(pk=shown.pk)[:RECENT_NEWS],
    }
    return render(request, "helpcenter/announcement.html", context)
