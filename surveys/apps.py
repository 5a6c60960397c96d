from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("毕业生调查")

    def ready(self) -> None:
        # The receiver that adds the demo survey after seed_demo.
        from . import signals  # noqa: F401
