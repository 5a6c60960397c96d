from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.archive_home, name="archive-home"),
    path(
        "photos/enrollment/<uuid:public_id>/<slug:kind>.jpg",
        views.enrollment_photo,
        name="enrollment-photo",
    ),
    path(
        "photos/qualification/<uuid:public_id>.jpg",
        views.qualification_photo,
        name="qualification-photo",
    ),
]
