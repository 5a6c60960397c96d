from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        # Connect the system checks and the login log lines.
        from . import checks, signals  # noqa: F401
        from .roles import ensure_roles

        # After every migrate, once every app's permissions exist.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts.ensure_roles")
