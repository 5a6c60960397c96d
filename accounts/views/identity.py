"""身份核验 before 学信档案 opens, and claims reviewed by 客服 (DESIGN journey 3, §4.2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import AccessAction
from audit.services import staff_download
from records.access import parse_public_id
from xuexin.authed import AuthedRequest
from xuexin.private_files import refuse_staff_without_second_factor

from .. import services
from ..forms import ClaimForm, IdentityFactsForm
from ..models import IdentityClaim

ERR_FACTS = gettext_lazy(
    "填写的信息与您的学籍不符（院校、学号和入学年份须属于同一条学籍），今日还可尝试 %(left)d 次。"
)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def identity_check(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_staff:
        return redirect("admin:index")
    if user.identity_disputed:
        return redirect("accounts:claim")
    if user.identity_verified_at:
        return redirect("records:archive-home")
    services.bind_matching_person(user)
    form = IdentityFactsForm(request.POST or None)
    tries_left = services.identity_tries_left(user)
    if request.method == "POST" and tries_left > 0 and form.is_valid():
        try:
            result = services.identity_check_by_facts(user, **form.cleaned_data)
        except services.TooManyTries:
            tries_left = 0
        else:
            if result.passed:
                messages.success(request, _("身份核验通过，欢迎使用学信档案。"))
                return redirect("records:archive-home")
            tries_left = result.tries_left
            form.add_error(None, ERR_FACTS % {"left": tries_left})
    pending = user.claims.filter(status=IdentityClaim.Status.PENDING).first()
    context = {"form": form, "tries_left": tries_left, "pending": pending}
    return render(request, "accounts/identity_check.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def claim(request: AuthedRequest) -> HttpResponse:
    """File a claim: a disputed account claims its ID; anyone may ask for a photo review."""
    user = request.user
    if user.is_staff:
        return redirect("admin:index")
    kind = (
        IdentityClaim.Kind.DUPLICATE_ID
        if user.identity_disputed
        else IdentityClaim.Kind.IDENTITY_CHECK
    )
    if kind == IdentityClaim.Kind.IDENTITY_CHECK and user.identity_verified_at:
        return redirect("records:archive-home")
    claims = list(user.claims.order_by("-created_at"))
    pending = next((c for c in claims if c.status == IdentityClaim.Status.PENDING), None)
    form = None
    if pending is None:
        form = ClaimForm(
            request.POST or None,
            request.FILES or None,
            allow_facts=kind == IdentityClaim.Kind.DUPLICATE_ID,
        )
        if request.method == "POST" and form.is_valid():
            services.claim_submit(claimant=user, claim=form.save(commit=False), kind=kind)
            messages.success(
                request, _("申诉已提交，客服将在 1-3 个工作日内审核，结果会通过短信通知您。")
            )
            return redirect("accounts:claim")
    context = {"form": form, "claims": claims, "pending": pending, "kind": kind}
    return render(request, "accounts/claim.html", context)


@require_GET
def claim_evidence(request: HttpRequest, public_id: str, side: str) -> HttpResponse:
    """Evidence photos: the claimant, and staff who review claims. Anyone else gets 404."""
    field = {"front": "id_front", "back": "id_back"}.get(side)
    user = request.user
    if field is None or not user.is_authenticated or not user.is_active:
        raise Http404
    refuse_staff_without_second_factor(request)
    claims = IdentityClaim.objects.filter(public_id=parse_public_id(public_id))
    if not (user.is_staff and user.has_perm("accounts.view_identityclaim")):
        claims = claims.filter(claimant=user)
    found = claims.select_related("claimant").first()
    if found is None:
        raise Http404
    target = f"{found.claimant} 身份核验申诉 {found.public_id} {field}"
    return staff_download(request, AccessAction.DOWNLOAD_EVIDENCE, target, getattr(found, field))
