"""Markdown to safe HTML for articles and announcements.

Staff write Markdown; Python-Markdown turns it into HTML, links of the form
``[注册帐号](article:register-account)`` become the article's real address, and nh3 then keeps
only a small set of tags and attributes: no script or style, no event handlers, and no link
scheme other than http, https and mailto (relative links stay). Rendered HTML is cached by the
text and the version of the article set, so a page view costs one cache read.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable

import markdown
import nh3
from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ARTICLE_SCHEME = "article:"
CACHE_SECONDS = 60 * 60 * 24

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "mark", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

SlugResolver = Callable[[set[str]], dict[str, str]]


def published_article_urls(slugs: set[str]) -> dict[str, str]:
    """The address of each published article among ``slugs``; unknown ones are left out."""
    from .models import Article  # the models import this module's users, not the other way

    rows = Article.objects.published().filter(slug__in=slugs).values_list("slug", "category__slug")
    return {slug: reverse("helpcenter:article", args=[category, slug]) for slug, category in rows}


class _InternalLinks(Treeprocessor):
    """Resolve ``article:<slug>`` links and start the body's headings at <h2>."""

    def __init__(self, md: markdown.Markdown, resolve: SlugResolver) -> None:
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: etree.Element) -> None:
        anchors = [a for a in root.iter("a") if a.get("href", "").startswith(ARTICLE_SCHEME)]
        if anchors:
            targets = {_split_article_href(a.get("href", ""))[0] for a in anchors}
            urls = self.resolve(targets)
            for anchor in anchors:
                slug, fragment = _split_article_href(anchor.get("href", ""))
                if slug in urls:
                    anchor.set("href", urls[slug] + fragment)
                else:
                    # A link to an article that does not exist (or is unpublished) would be a
                    # dead end: keep the words, drop the link.
                    anchor.tag = "span"
                    anchor.attrib.clear()
        # The page's <h1> is the title, so the body's shallowest heading becomes <h2> and the
        # others keep their distance from it: no level is ever skipped (h1 → h3).
        headings = [e for e in root.iter() if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
        if headings:
            shift = 2 - min(int(e.tag[1]) for e in headings)
            for element in headings:
                element.tag = f"h{min(6, int(element.tag[1]) + shift)}"


def _split_article_href(href: str) -> tuple[str, str]:
    target = href[len(ARTICLE_SCHEME) :]
    slug, _sep, fragment = target.partition("#")
    return slug.strip().lower(), f"#{fragment}" if fragment else ""


class _InternalLinksExtension(Extension):
    def __init__(self, resolve: SlugResolver) -> None:
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        # Priority 5: after the inline processor (20) has turned [text](url) into <a>.
        md.treeprocessors.register(_InternalLinks(md, self.resolve), "helpcenter_links", 5)


def render_markdown(text: str, resolve: SlugResolver = published_article_urls) -> SafeString:
    """Render ``text`` to sanitised HTML, uncached (the admin preview uses this directly)."""
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", _InternalLinksExtension(resolve)],
        output_format="html",
    )
    return mark_safe(_cleaner.clean(md.convert(text)))  # noqa: S308 - sanitised by nh3 above


def render_cached(text: str, *, content_version: str) -> SafeString:
    """``render_markdown`` cached by the text itself and the version of the article set.

    ``content_version`` changes whenever any article is added, removed or saved, since
    ``article:`` links depend on which articles exist and where they live.
    """
    digest = hashlib.sha256(text.encode()).hexdigest()
    key = f"helpcenter:html:{content_version}:{digest}"
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(text))
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - stored only after sanitising


def plain_text(markdown_text: str) -> str:
    """A rough plain-text version of Markdown for search snippets (no HTML is produced)."""
    text = re.sub(r"```.*?```", " ", markdown_text, flags=re.DOTALL)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their words
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(^|\n)\s*(#{1,6}|[-*+]|\d+\.|>)\s+", r"\1", text)
    text = re.sub(r"(^|\n)[\s|:-]*-{3,}[\s|:-]*(?=\n|$)", r"\1", text)  # table rules
    text = re.sub(r"(?<!\\)[*`]+", "", text)  # emphasis and code marks
    text = re.sub(r"(?<!\\)\|", " ", text)  # table cell borders
    text = re.sub(r"\\(.)", r"\1", text)  # backslash escapes such as 138\*\*\*\*0001
    return re.sub(r"\s+", " ", text).strip()


def hrefs_in(html: str) -> Iterable[str]:
    """Every href in rendered HTML (used to check shipped content for broken links)."""
    return re.findall(r'href="([^"]*)"', html)
