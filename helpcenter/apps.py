from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcenterConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "helpcenter"
    verbose_name = _("帮助中心")
