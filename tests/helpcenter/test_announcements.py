"""通知公告: edited in the admin, listed on the home page, each with its own page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import AnnouncementFactory

pytestmark = pytest.mark.django_db


def news_box(html: str) -> str:
    return html[html.index('id="news-title"') : html.index('class="hotline-box"')]


def test_the_home_page_lists_published_announcements_with_links(client):
    announcement = AnnouncementFactory(title_zh="仿真公告一则")

    box = news_box(client.get(reverse("home")).content.decode())

    assert f'<a href="/news/{announcement.pk}/">仿真公告一则</a>' in box


def test_the_home_page_hides_unpublished_and_future_announcements(client):
    AnnouncementFactory(title_zh="草稿公告", is_published=False)
    AnnouncementFactory(
        title_zh="明天的公告", published_at=timezone.now() + datetime.timedelta(days=1)
    )

    box = news_box(client.get(reverse("home")).content.decode())

    assert "草稿公告" not in box
    assert "明天的公告" not in box
    assert "暂无公告" in box


def test_the_home_page_shows_the_five_newest(client, help_content):
    newest = AnnouncementFactory(title_zh="最新的仿真公告", published_at=timezone.now())

    box = news_box(client.get(reverse("home")).content.decode())

    assert box.count('href="/news/') == 5
    assert box.index(newest.title_zh) < box.index("帮助中心上线")


def test_the_home_page_shows_english_titles_in_english(english, help_content):
    box = news_box(english.get(reverse("home")).content.decode())

    assert "The help centre is open" in box


def test_an_announcement_has_its_own_page(client):
    announcement = AnnouncementFactory(body_zh="## 要点\n\n正文第一段。")

    response = client.get(reverse("helpcenter:news", args=[announcement.pk]))

    assert response.status_code == 200
    assert "<h2>要点</h2>" in response.content.decode()
    assert "010-82199588" in response.content.decode()


def test_an_unpublished_announcement_is_404(client):
    announcement = AnnouncementFactory(is_published=False)

    assert client.get(reverse("helpcenter:news", args=[announcement.pk])).status_code == 404


def test_an_announcement_body_is_sanitised(client):
    announcement = AnnouncementFactory(
        body_zh='<script>alert(1)</script><a href="javascript:x">a</a>'
    )

    html = client.get(reverse("helpcenter:news", args=[announcement.pk])).content.decode()

    assert "alert(1)" not in html
    assert "javascript:x" not in html
