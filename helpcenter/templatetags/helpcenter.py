"""Template tags for pages outside the help centre: the home page's news and the login sidebar."""

from __future__ import annotations

from django import template
from django.conf import settings

from helpcenter.models import Announcement, Article

register = template.Library()

HOME_NEWS_COUNT = 5


@register.simple_tag
def latest_announcements(limit: int = HOME_NEWS_COUNT) -> list[Announcement]:
    """The newest published announcements, for the home page's 通知公告 sidebar."""
    published = Announcement.objects.published()
    return list(published.only("title_zh", "title_en", "published_at")[:limit])


@register.simple_tag
def registration_since_year() -> int:
    """The first graduation year whose graduates can register (注册对象), from the settings."""
    return settings.HELP_REGISTRATION_SINCE_YEAR


@register.simple_tag
def help_articles(*slugs: str) -> list[Article]:
    """The published articles among ``slugs``, in the order given, for links from other pages.

    Articles that do not exist (yet) are left out, so a page never links to a missing one.
    """
    found = Article.objects.published().select_related("category").in_bulk(slugs, field_name="slug")
    return [found[slug] for slug in slugs if slug in found]
