"""学信档案 pages (DESIGN §2.2, journeys 4–7). Everything is scoped to the logged-in student.

Each page reads the person bound to the account, never an id from the URL, except for
records and requests addressed by their public id, which are looked up *within* the person's
own rows: someone else's is a 404, the same as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xuexin import throttle
from xuexin.authed import AuthedRequest
from xuexin.private_files import private_file_response
from xuexin.refused import Refused

from . import corrections
from .access import parse_public_id
from .decorators import identity_verified_required
from .forms import BindForm, CorrectionForm, PhotoReviewForm, photo_of
from .models import (
    CorrectionEvent,
    CorrectionRequest,
    DegreeAward,
    Enrollment,
    ExamRegistration,
    GraduateDestination,
    Person,
    PhotoKind,
    PhotoReview,
    Qualification,
)

# Lazy: a message built at import would always be Chinese, whatever the reader chose.
ERR_BIND_FAILED = gettext_lazy(
    "未能绑定该学籍。常见原因：学校上报的姓名或证件号码与您注册时填写的不一致；"
    "学校尚未完成学籍注册；该学籍不在查询范围内。请核对后重试，或联系学校学籍管理部门。"
)


def archive_page(view):
    """Identity checked, never cached (personal data), GET only unless the view says more."""
    return identity_verified_required(never_cache(view))


def _enrollments(person) -> list[Enrollment]:
    reviews = Prefetch("photo_reviews", queryset=PhotoReview.objects.order_by("kind"))
    enrollments = list(
        Enrollment.objects.for_person(person)
        .select_related("school")
        .prefetch_related(reviews)
        .order_by("-entry_date", "id")
    )
    for enrollment in enrollments:
        enrollment.person = person  # already loaded with the user; no join needed
    return enrollments


@archive_page
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    person = request.user.person
    counts = {"enrollments": 0, "qualifications": 0, "degrees": 0}
    open_corrections: list[CorrectionRequest] = []
    wrong_photos: list[PhotoReview] = []
    if person is not None:
        counts = Person.objects.record_counts(person)
        open_corrections = list(
            CorrectionRequest.objects.filter(person=person).open().select_related("school")[:5]
        )
        wrong_photos = list(
            PhotoReview.objects.filter(
                enrollment__person=person, verdict=PhotoReview.Verdict.WRONG
            ).select_related("enrollment__school")[:5]
        )
    context = {
        "person": person,
        "counts": counts,
        "open_corrections": open_corrections,
        "wrong_photos": wrong_photos,
    }
    return render(request, "records/archive_home.html", context)


def _qualifications(person: Person) -> list[Qualification]:
    rows = Qualification.objects.for_person(person)
    return list(rows.select_related("school", "person", "enrollment"))


def _degrees(person: Person) -> list[DegreeAward]:
    return list(DegreeAward.objects.for_person(person).select_related("school", "person"))


def _exams(person: Person) -> list[ExamRegistration]:
    return list(ExamRegistration.objects.filter(person=person).select_related("target_school"))


def _destinations(person: Person) -> list[GraduateDestination]:
    rows = GraduateDestination.objects.filter(person=person, enrollment__withdrawn_at__isnull=True)
    return list(rows.select_related("enrollment__school"))


@dataclass(frozen=True)
class Tab:
    template: str
    rows_name: str  # what the template calls the rows
    rows: Callable[[Person], list[Any]]


# The tabs of 高等教育信息, by the name their URL carries (records/urls.py).
TABS = {
    "xueji": Tab("records/xueji.html", "enrollments", _enrollments),
    "xueli": Tab("records/xueli.html", "qualifications", _qualifications),
    "xuewei": Tab("records/xuewei.html", "degrees", _degrees),
    "kaoyan": Tab("records/kaoyan.html", "exams", _exams),
    "quxiang": Tab("records/quxiang.html", "destinations", _destinations),
}


@archive_page
@require_GET
def tab(request: AuthedRequest, tab: str) -> HttpResponse:
    """One tab of 高等教育信息: the rows of the account's own person (none before binding)."""
    shown = TABS[tab]
    person = request.user.person
    rows = shown.rows(person) if person else []
    context = {shown.rows_name: rows, "person": person, "tab": tab}
    return render(request, shown.template, context)


@archive_page
@require_GET
def scope(request: AuthedRequest) -> HttpResponse:
    return render(request, "records/scope.html")


@archive_page
@throttle.limit(key="user", rate="10/h", method="POST")
@require_http_methods(["GET", "POST"])
def bind(request: AuthedRequest) -> HttpResponse:
    """尝试绑定学籍: binds only a record whose person has this account's real name and ID."""
    form = BindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        data = form.cleaned_data
        match = (
            Enrollment.objects.current()
            .filter(
                school=data["school"],
                student_number=data["student_number"],
                entry_date__year=data["entry_year"],
                person__id_type=user.id_type,
                person__id_number=user.id_number,
                person__name=user.real_name,
            )
            .select_related("person")
            .first()
        )
        if match is None or (user.person_id and user.person_id != match.person_id):
            form.add_error(None, ERR_BIND_FAILED)
        else:
            if user.person_id is None:
                user.person = match.person
                user.save(update_fields=["person"])
            messages.success(request, _("学籍已绑定，可在“学籍信息”中查看。"))
            return redirect("records:xueji")
    return render(request, "records/bind.html", {"form": form})


@archive_page
@require_http_methods(["GET", "POST"])
def photo_review(request: AuthedRequest) -> HttpResponse:
    person = request.user.person
    enrollments = _enrollments(person) if person else []
    posted: tuple[int, str, PhotoReviewForm] | None = None
    if request.method == "POST":
        enrollment = _own_enrollment(request, request.POST.get("enrollment"))
        form = PhotoReviewForm(request.POST, enrollment=enrollment)
        if form.is_valid():
            data = form.cleaned_data
            PhotoReview.objects.update_or_create(
                enrollment=enrollment,
                kind=data["kind"],
                defaults={
                    "verdict": data["verdict"],
                    "comment": data["comment"],
                    "state": PhotoReview.State.SUBMITTED,
                    "handled_note": "",
                    "handled_by": None,
                },
            )
            messages.success(request, _("图像校对结果已提交。"))
            return redirect("records:photo-review")
        # The card that was sent shows its errors at the fields, with the choices kept.
        posted = (enrollment.pk, str(request.POST.get("kind", "")), form)
    rows = []
    for enrollment in enrollments:
        reviews = {r.kind: r for r in enrollment.photo_reviews.all()}
        for kind, label in PhotoKind.choices:
            review = reviews.get(kind)
            if posted and posted[:2] == (enrollment.pk, kind):
                form = posted[2]
            else:
                initial = {"kind": kind}
                if review:
                    initial.update(verdict=review.verdict, comment=review.comment)
                form = PhotoReviewForm(initial=initial)
            has_photo = bool(photo_of(enrollment, kind))
            rows.append((enrollment, kind, label, review, form, has_photo))
    context = {"rows": rows, "tab": "xueji"}
    return render(request, "records/photo_review.html", context, status=400 if posted else 200)


def _own_enrollment(request: AuthedRequest, raw_id: str | None) -> Enrollment:
    return _own_record(request, f"enrollment:{raw_id or ''}")


def _own_record(request: AuthedRequest, token: str | None):
    """A record of the student's own, from ``kind:public-id``; anything else is a 404."""
    person = request.user.person
    kind, _sep, raw_id = (token or "").partition(":")
    model = corrections.RECORD_MODELS.get(kind)
    if person is None or model is None:
        raise Http404
    found = (
        model.objects.for_person(person)
        .filter(public_id=parse_public_id(raw_id))
        .select_related("school", "person")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _own_corrections(request: AuthedRequest):
    return CorrectionRequest.objects.filter(requester=request.user)


@archive_page
@require_GET
def correction_list(request: AuthedRequest) -> HttpResponse:
    items = list(
        _own_corrections(request)
        .select_related("school", "enrollment", "qualification", "degree")
        .prefetch_related(
            Prefetch("events", queryset=CorrectionEvent.objects.order_by("created_at"))
        )
    )
    return render(request, "records/corrections.html", {"corrections": items})


@archive_page
@require_http_methods(["GET", "POST"])
def correction_new(request: AuthedRequest) -> HttpResponse:
    token = request.POST.get("record") or request.GET.get("record")
    record = _own_record(request, token)
    form = CorrectionForm(request.POST or None, request.FILES or None, record=record)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction = corrections.correction_submit(
                requester=request.user,
                record=record,
                field=data["field"],
                proposed=data["proposed_value"],
                reason=data["reason"],
                evidence=data.get("evidence"),
            )
        except Refused as refused:
            form.add_error("field", str(refused.message))
        else:
            messages.success(request, _("更正申请已提交，学校审核后会更新处理进度。"))
            return redirect("records:correction-detail", public_id=correction.public_id)
    context = {"form": form, "record": record, "token": token, "choices": form.choices}
    return render(request, "records/correction_new.html", context)


@archive_page
@require_GET
def correction_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    correction = (
        _own_corrections(request)
        .filter(public_id=parse_public_id(public_id))
        .select_related("school", "enrollment", "qualification", "degree", "person")
        .prefetch_related("events")
        .first()
    )
    if correction is None:
        raise Http404
    return render(request, "records/correction_detail.html", {"correction": correction})


@archive_page
@require_GET
def correction_evidence(request: AuthedRequest, public_id: str) -> HttpResponse | FileResponse:
    correction = _own_corrections(request).filter(public_id=parse_public_id(public_id)).first()
    if correction is None:
        raise Http404
    return private_file_response(correction.evidence)
