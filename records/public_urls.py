"""Public pages of records outside /archive/, included at the site root by xuexin.urls.

No app_name: the names stay as templates have always used them (``{% url 'edu' %}``).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("edu/", views.edu, name="edu"),
]
