"""Help centre and announcement pages (DESIGN §2.1).

Included at the site root because the announcements live at /news/<id>/ while everything else
is under /help/; both share the ``helpcenter`` namespace.
"""

from django.urls import include, path

from . import views

app_name = "helpcenter"

help_patterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("<slug:category>/", views.category, name="category"),
    path("<slug:category>/<slug:slug>/", views.article, name="article"),
    path("<slug:category>/<slug:slug>/vote/", views.vote, name="vote"),
]

urlpatterns = [
    path("help/", include(help_patterns)),
    path("news/<int:pk>/", views.announcement, name="news"),
]
