"""The help content that ships with the portal and seed_demo loads."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from helpcenter.content import load_help_content
from helpcenter.markup import hrefs_in, render_markdown
from helpcenter.models import Announcement, Article, Category

from .conftest import AnnouncementFactory

pytestmark = pytest.mark.django_db

NAVIGATION_SLUGS = {
    "introduction", "register-account", "email-activation", "real-name-information",
    "system-login", "id-number-taken", "id-number-wrong", "higher-education-records",
    "online-verification-report", "paper-certification-report", "cooperation",
}  # fmt: skip


def snapshot() -> dict[str, object]:
    return {
        "categories": sorted(Category.objects.values_list("slug", "name_zh", "position")),
        "articles": sorted(
            Article.objects.values_list("slug", "title_zh", "body_zh", "updated_at")
        ),
        "news": sorted(Announcement.objects.values_list("pk", "title_zh", "updated_at")),
    }


def test_loading_the_content_twice_changes_nothing(help_content):
    before = snapshot()

    assert load_help_content() == 0
    assert snapshot() == before


def test_loaddata_twice_changes_nothing_either(db):
    call_command("loaddata", "help_content", verbosity=0)
    before = snapshot()
    call_command("loaddata", "help_content", verbosity=0)

    assert snapshot() == before


def test_reloading_keeps_what_staff_edited(help_content):
    Article.objects.filter(slug="cooperation").update(title_zh="合作申请（已编辑）")

    load_help_content()

    assert Article.objects.get(slug="cooperation").title_zh == "合作申请（已编辑）"


def test_staff_can_add_an_announcement_after_the_shipped_ones(help_content):
    # The shipped announcements have fixed ids; PostgreSQL's id sequence must have moved past
    # them, or this insert would collide.
    shipped = max(Announcement.objects.values_list("pk", flat=True))

    assert AnnouncementFactory().pk > shipped


def test_the_left_navigation_articles_all_ship(help_content):
    shipped = set(Article.objects.filter(in_navigation=True).values_list("slug", flat=True))

    assert shipped == NAVIGATION_SLUGS


def test_every_article_and_announcement_is_written_in_both_languages(help_content):
    # Real step-by-step articles, not stubs: at least a few hundred characters each.
    articles = Article.objects.all()
    news = Announcement.objects.all()

    assert all(len(row.body_zh) > 400 and len(row.body_en) > 1000 for row in articles)
    assert all(len(row.body_zh) > 150 and len(row.body_en) > 400 for row in news)
    assert all(row.title_en for row in [*articles, *news])


def test_every_announcement_says_it_is_simulated(help_content):
    assert all("仿真" in news.body_zh for news in Announcement.objects.all())
    assert all("simulated" in news.body_en for news in Announcement.objects.all())


def test_no_shipped_body_links_to_a_missing_article(help_content):
    bodies = [text for row in Article.objects.all() for text in (row.body_zh, row.body_en)]
    bodies += [text for row in Announcement.objects.all() for text in (row.body_zh, row.body_en)]
    slugs = {slug for body in bodies for slug in re.findall(r"\(article:([\w-]+)", body)}

    assert slugs - set(Article.objects.values_list("slug", flat=True)) == set()


def test_every_internal_link_in_the_shipped_content_answers_200(client, help_content):
    rows = [*Article.objects.all(), *Announcement.objects.all()]
    hrefs = {
        href
        for row in rows
        for language in ("zh-hans", "en")
        for href in _hrefs(row, language)
        if href.startswith("/")
    }

    broken = {href: client.get(href).status_code for href in sorted(hrefs)}

    assert {href: code for href, code in broken.items() if code != 200} == {}


def _hrefs(row: Article | Announcement, language: str) -> list[str]:
    with translation.override(language):
        return list(hrefs_in(render_markdown(row.body)))


def test_the_duplicate_id_article_links_to_the_registration_page(help_content):
    article = Article.objects.get(slug="id-number-taken")

    assert reverse("accounts:register") in hrefs_in(render_markdown(article.body_zh))
    assert reverse("accounts:register") in hrefs_in(render_markdown(article.body_en))


@pytest.mark.slow
def test_seed_demo_loads_the_help_content(db):
    call_command("seed_demo", allow_demo_logins=True, stdout=StringIO())

    assert Article.objects.filter(slug__in=NAVIGATION_SLUGS).count() == len(NAVIGATION_SLUGS)
    assert Announcement.objects.published().exists()
