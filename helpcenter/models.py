"""Help centre content: categories, articles with their votes, and announcements (通知公告).

Every text exists twice, in Chinese and in English, in separate fields. Pages show the field of
the active language and fall back to Chinese when the English one is empty, so staff can
publish in Chinese first.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MARKDOWN_HELP = _(
    "Markdown 格式：空一行分段，## 小标题，1. 编号步骤，**加粗**。"
    "链接到其他文章写作 [注册帐号](article:register-account)；"
    "站内页面可写相对地址，如 [立即注册](/account/register/)。"
    "脚本、事件属性和 javascript: 链接会被清除。"
)


# Addresses under /help/ that a category slug would shadow.
RESERVED_CATEGORY_SLUGS = {"search"}


def validate_category_slug(value: str) -> None:
    if value in RESERVED_CATEGORY_SLUGS:
        raise ValidationError(_("“%(slug)s”已被网站使用，请换一个网址标识"), params={"slug": value})


def _wants_english() -> bool:
    return (get_language() or "").startswith("en")


class BilingualMixin:
    """``title`` and ``body`` in the active language, falling back to Chinese."""

    body_en: str  # a field of each model that uses the mixin

    def _localized(self, name: str) -> str:
        if _wants_english():
            english = getattr(self, f"{name}_en")
            if english.strip():
                return english
        return getattr(self, f"{name}_zh")

    @property
    def title(self) -> str:
        return self._localized("title")

    @property
    def body(self) -> str:
        return self._localized("body")

    @property
    def body_language(self) -> str:
        """The language the shown body is written in (for the ``lang`` attribute)."""
        return "en" if _wants_english() and self.body_en.strip() else "zh-hans"


class CategoryManager(models.Manager["Category"]):
    def get_by_natural_key(self, slug: str) -> Category:
        return self.get(slug=slug)


class Category(models.Model):
    slug = models.SlugField(
        _("网址标识"), max_length=60, unique=True, validators=[validate_category_slug]
    )
    name_zh = models.CharField(_("名称（中文）"), max_length=60)
    name_en = models.CharField(_("名称（英文）"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = CategoryManager()

    # Set per request, not stored: the index page's hot articles, the admin's article count.
    hot_articles: list[Article]
    article_total: int

    class Meta:
        verbose_name = _("帮助分类")
        verbose_name_plural = _("帮助分类")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name_zh

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def name(self) -> str:
        if _wants_english() and self.name_en.strip():
            return self.name_en
        return self.name_zh


class RenewingQuerySet(models.QuerySet):
    """Bulk writes move ``updated_at`` too, as ``save()`` does (auto_now): the cached help
    pages and search results are keyed by a version made of it (``content_version``,
    ``snapshot``), so an ``update()`` or ``bulk_update()`` renews that version instead of
    leaving the old renderings in place."""

    def update(self, **kwargs: Any) -> int:
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        return super().bulk_update(objs, {*fields, "updated_at"}, batch_size=batch_size)


class ArticleQuerySet(RenewingQuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(is_published=True)

    def in_navigation(self) -> ArticleQuerySet:
        return self.published().filter(in_navigation=True).order_by("position", "id")

    def content_version(self) -> str:
        """Changes whenever an article is added, removed or saved: part of render cache keys."""
        summary = self.aggregate(count=models.Count("id"), last=models.Max("updated_at"))
        last = summary["last"].timestamp() if summary["last"] else 0
        return f"{summary['count']}-{last}"

    def hot(self) -> ArticleQuerySet:
        return (
            self.published()
            .filter(is_hot=True)
            .select_related("category")
            .order_by("category__position", "position", "id")
        )


_ArticleManagerBase = models.Manager.from_queryset(ArticleQuerySet)


class ArticleManager(_ArticleManagerBase["Article"]):
    def get_by_natural_key(self, slug: str) -> Article:
        return self.get(slug=slug)


class Article(BilingualMixin, models.Model):
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("问题来源（分类）"),
    )
    slug = models.SlugField(
        _("网址标识"),
        max_length=80,
        unique=True,
        help_text=_("小写字母、数字和连字符，用于网址和文章间链接，例如 register-account"),
    )
    title_zh = models.CharField(_("标题（中文）"), max_length=120)
    title_en = models.CharField(_("标题（英文）"), max_length=200, blank=True)
    body_zh = models.TextField(_("正文（中文）"), help_text=MARKDOWN_HELP)
    body_en = models.TextField(_("正文（英文）"), blank=True, help_text=MARKDOWN_HELP)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    in_navigation = models.BooleanField(
        _("显示在左侧导航"), default=False, help_text=_("左侧导航按分类列出这些文章")
    )
    is_hot = models.BooleanField(_("热门问题"), default=False)
    is_published = models.BooleanField(_("已发布"), default=True)
    updated_at = models.DateTimeField(_("更新于"), auto_now=True)

    history = HistoricalRecords()
    objects = ArticleManager()

    # Annotated by the admin's queryset: the helpful / not helpful votes.
    yes_total: int
    no_total: int

    class Meta:
        verbose_name = _("帮助文章")
        verbose_name_plural = _("帮助文章")
        ordering = ["category__position", "position", "id"]
        indexes = [
            models.Index(
                fields=["category", "is_published", "position"], name="helpcenter_article_listing"
            ),
        ]

    def __str__(self) -> str:
        return self.title_zh

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ArticleVote(models.Model):
    """One 这个回答是否有用 answer per visitor and article.

    ``visitor`` is a keyed hash of a random token kept in the visitor's session: never the
    session key itself and never an IP address.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="votes", verbose_name=_("帮助文章")
    )
    visitor = models.CharField(_("访客标识（散列）"), max_length=64)
    helpful = models.BooleanField(_("有用"))
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文章评价")
        verbose_name_plural = _("文章评价")
        constraints = [
            models.UniqueConstraint(fields=["article", "visitor"], name="one_vote_per_visitor"),
        ]

    def __str__(self) -> str:
        return f"{self.article} · {'+' if self.helpful else '-'}"


class AnnouncementQuerySet(models.QuerySet):
    def published(self) -> AnnouncementQuerySet:
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Announcement(BilingualMixin, models.Model):
    title_zh = models.CharField(_("标题（中文）"), max_length=120)
    title_en = models.CharField(_("标题（英文）"), max_length=200, blank=True)
    body_zh = models.TextField(_("正文（中文）"), help_text=MARKDOWN_HELP)
    body_en = models.TextField(_("正文（英文）"), blank=True, help_text=MARKDOWN_HELP)
    published_at = models.DateTimeField(
        _("发布时间"), default=timezone.now, help_text=_("早于此时间不会在网站上显示")
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    updated_at = models.DateTimeField(_("更新于"), auto_now=True)

    history = HistoricalRecords()
    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["is_published", "-published_at"], name="helpcenter_news_listing"),
        ]

    def __str__(self) -> str:
        return self.title_zh


SYNONYM_SEPARATORS = re.compile(r"[,，、;；\n]+")


class SearchSynonymQuerySet(RenewingQuerySet):
    def snapshot(self) -> tuple[str, list[list[str]]]:
        """In one query: a version that changes whenever a group is added, removed or saved
        (part of search cache keys), and every active group as its distinct, case-folded
        phrasings."""
        rows = list(self.values_list("terms", "is_active", "updated_at"))
        last = max((updated.timestamp() for _terms, _active, updated in rows), default=0)
        groups = []
        for terms, active, _updated in rows:
            group = [t.strip().casefold() for t in SYNONYM_SEPARATORS.split(terms)]
            group = list(dict.fromkeys(term for term in group if term))
            if active and len(group) > 1:
                groups.append(group)
        return f"{len(rows)}-{last}", groups


class SearchSynonym(models.Model):
    """Phrasings the help search treats as the same (忘记密码 = 找回密码), edited by staff."""

    terms = models.CharField(
        _("同义说法"),
        max_length=500,
        help_text=_("用逗号或顿号分隔意思相同的说法，例如：忘记密码、找回密码、重置密码"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新于"), auto_now=True)

    history = HistoricalRecords()
    objects = SearchSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.terms
