from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "records"
    verbose_name = _("学籍学历信息")

    def ready(self) -> None:
        from . import history  # noqa: F401 - connects the change-reason fallback
