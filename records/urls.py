from django.urls import path

from . import archive, views

app_name = "records"

urlpatterns = [
    path("", archive.home, name="archive-home"),
    path("xueji/", archive.tab, {"tab": "xueji"}, name="xueji"),
    path("xueli/", archive.tab, {"tab": "xueli"}, name="xueli"),
    path("xuewei/", archive.tab, {"tab": "xuewei"}, name="xuewei"),
    path("kaoyan/", archive.tab, {"tab": "kaoyan"}, name="kaoyan"),
    path("quxiang/", archive.tab, {"tab": "quxiang"}, name="quxiang"),
    path("scope/", archive.scope, name="scope"),
    path("bind/", archive.bind, name="bind"),
    path("photo-review/", archive.photo_review, name="photo-review"),
    path("corrections/", archive.correction_list, name="corrections"),
    path("corrections/new/", archive.correction_new, name="correction-new"),
    path("corrections/<uuid:public_id>/", archive.correction_detail, name="correction-detail"),
    path(
        "corrections/<uuid:public_id>/evidence.jpg",
        archive.correction_evidence,
        name="correction-evidence",
    ),
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
    path(
        "photos/evidence/<uuid:public_id>.jpg",
        views.correction_evidence,
        name="staff-correction-evidence",
    ),
]
