"""Top-level URLs. Pages that later steps build keep their final address from the start."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("学信网（仿真系统）管理后台")
admin.site.site_title = _("学信网（仿真系统）")
admin.site.index_title = _("数据管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("archive/surveys/", include("surveys.urls")),
    path("archive/", include("records.urls")),
    path("account/", include("accounts.urls")),
    path("captcha/", include("captcha.urls")),
    # /verify/…, /xueli/, /api/v1/reports/…, /.well-known/jwks.json, /archive/reports/…
    path("", include("verification.urls")),
    # /help/… and /news/<id>/, both in the helpcenter namespace.
    path("", include("helpcenter.urls")),
    path("sitemap/", views.sitemap, name="sitemap"),
    # /edu/ (教育网, the schools the simulation knows).
    path("", include("records.public_urls")),
]

if settings.BENCH_MODE:
    urlpatterns.append(path("bench/baseline", views.bench_baseline, name="bench-baseline"))
    # The floor rows (demo/bench_views.py): named by string, the kernel imports no app.
    urlpatterns.append(path("bench/", include("demo.bench_urls")))

handler403 = "xuexin.errors.permission_denied"
handler500 = "xuexin.errors.server_error"
