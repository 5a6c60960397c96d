from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = _("在线验证")

    def ready(self) -> None:
        from xuexin import throttle

        from . import checks, signals  # noqa: F401 - the deployment check, the demo receiver

        # A rate django-ratelimit cannot read stops start-up, not every lookup.
        throttle.check_rates()
