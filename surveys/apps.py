from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("毕业生调查")

    def ready(self) -> None:
        # Receivers: the demo survey after seed_demo, and the kept 学籍 pages' stamps.
        from . import signals  # noqa: F401
