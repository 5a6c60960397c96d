"""Admin for help content: Markdown editing with a preview, vote counts, history of changes."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from .markup import render_markdown
from .models import Announcement, Article, ArticleVote, Category, SearchSynonym

PREVIEW_MAX_CHARS = 100_000


class MarkdownPreviewMixin:
    """A 预览 field under each Markdown body and a staff-only endpoint that renders a draft.

    The read-only field shows the saved text, rendered exactly as the site renders it; the
    button (static/js/helpcenter-admin.js, no inline script) sends the text being edited to the
    endpoint and shows the sanitised result without saving.
    """

    formfield_overrides = {
        models.TextField: {
            "widget": forms.Textarea(attrs={"rows": 18, "class": "helpcenter-markdown"})
        },
    }

    class Media:
        js = ["js/helpcenter-admin.js"]
        css = {"all": ["css/helpcenter.css"]}

    def get_urls(self) -> list:
        opts = self.model._meta  # type: ignore[attr-defined]  # mixin: provided by the admin class
        preview = self.admin_site.admin_view(require_POST(self.preview_view))  # type: ignore[attr-defined]  # mixin: provided by the admin class
        return [
            path("preview/", preview, name=f"{opts.app_label}_{opts.model_name}_preview"),
            *super().get_urls(),  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        ]

    def preview_view(self, request: HttpRequest) -> JsonResponse:
        if not self.has_change_permission(request):  # type: ignore[attr-defined]  # mixin: provided by the admin class
            raise PermissionDenied
        text = request.POST.get("text", "")[:PREVIEW_MAX_CHARS]
        return JsonResponse({"html": str(render_markdown(text))})

    def _preview(self, obj: models.Model | None, field: str) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]  # mixin: provided by the admin class
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_preview")
        saved = render_markdown(getattr(obj, field)) if obj is not None and obj.pk else ""
        return format_html(
            '<div class="helpcenter-preview-tools">'
            '<button type="button" class="button" data-markdown-preview="{url}" '
            'data-source="id_{field}" data-target="preview-{field}" data-error="{error}">{label}'
            '</button> <span class="help">{note}</span></div>'
            '<div class="helpcenter-preview" id="preview-{field}">{saved}</div>',
            url=url,
            field=field,
            error=_("预览失败，请稍后再试"),
            label=_("预览当前内容"),
            note=_("按网站的方式渲染（不会保存）；未点击时显示已保存的内容。"),
            saved=saved,
        )

    @admin.display(description=_("预览（中文）"))
    def preview_zh(self, obj: models.Model | None) -> str:
        return self._preview(obj, "body_zh")

    @admin.display(description=_("预览（英文）"))
    def preview_en(self, obj: models.Model | None) -> str:
        return self._preview(obj, "body_en")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "position", "article_count"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["name_zh", "name_en", "slug", "position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("文章数"), ordering="article_total")
    def article_count(self, obj: Category) -> int:
        return obj.article_total


@admin.register(Article)
class ArticleAdmin(MarkdownPreviewMixin, SimpleHistoryAdmin):
    # The vote counts come early so they stay visible on a laptop-wide list.
    list_display = [
        "title_zh",
        "category",
        "helpful_yes",
        "helpful_no",
        "is_hot",
        "is_published",
        "updated_at",
    ]
    list_filter = ["category", "is_published", "is_hot", "in_navigation"]
    list_select_related = ["category"]
    search_fields = ["title_zh", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["preview_zh", "preview_en", "updated_at", "vote_summary"]
    fieldsets = [
        (None, {"fields": ["category", "slug", "position", "in_navigation", "is_hot"]}),
        (_("中文"), {"fields": ["title_zh", "body_zh", "preview_zh"]}),
        (_("English"), {"fields": ["title_en", "body_en", "preview_en"]}),
        (_("发布"), {"fields": ["is_published", "updated_at", "vote_summary"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(
                yes_total=Count("votes", filter=Q(votes__helpful=True)),
                no_total=Count("votes", filter=Q(votes__helpful=False)),
            )
        )

    @admin.display(description=_("有用"), ordering="yes_total")
    def helpful_yes(self, obj: Article) -> int:
        return obj.yes_total

    @admin.display(description=_("没用"), ordering="no_total")
    def helpful_no(self, obj: Article) -> int:
        return obj.no_total

    @admin.display(description=_("这个回答是否有用"))
    def vote_summary(self, obj: Article) -> str:
        if not obj.pk:
            return "—"
        # History pages show a historical copy, which carries no annotation.
        yes, no = getattr(obj, "yes_total", "—"), getattr(obj, "no_total", "—")
        return format_html("{} {} · {} {}", _("是"), yes, _("否"), no)


@admin.register(ArticleVote)
class ArticleVoteAdmin(admin.ModelAdmin):
    """Read-only: votes come from visitors, staff only look at them."""

    list_display = ["article", "helpful", "created_at"]
    list_filter = ["helpful", "article__category"]
    list_select_related = ["article"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(MarkdownPreviewMixin, SimpleHistoryAdmin):
    list_display = ["title_zh", "published_at", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title_zh", "title_en"]
    date_hierarchy = "published_at"
    readonly_fields = ["preview_zh", "preview_en", "updated_at"]
    fieldsets = [
        (_("中文"), {"fields": ["title_zh", "body_zh", "preview_zh"]}),
        (_("English"), {"fields": ["title_en", "body_en", "preview_en"]}),
        (_("发布"), {"fields": ["published_at", "is_published", "updated_at"]}),
    ]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(SimpleHistoryAdmin):
    """Groups of phrasings that the help search treats as one (helpcenter/search.py)."""

    list_display = ["terms", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["terms"]
    fields = ["terms", "is_active"]
