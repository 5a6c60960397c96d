"""The student's side of a survey: one page to answer it, save a draft, and read it back.

The survey is found by its public id among those the student is eligible for; any other id is
a 404, the same as a survey that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from records.decorators import identity_verified_required
from xuexin import throttle
from xuexin.authed import AuthedRequest
from xuexin.refused import Refused

from . import services
from .eligibility import get_invitation
from .forms import ERR_SUMMARY, AnswerForm
from .presentation import answered_questions


@identity_verified_required
@never_cache
@throttle.limit(key="user", rate="60/h", method="POST")
@require_http_methods(["GET", "POST"])
def detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    invitation = get_invitation(request.user, public_id)
    survey, response = invitation.survey, invitation.response
    questions = list(survey.questions.all())
    form = None
    if response is None or not response.is_submitted:
        saved = response.draft if response is not None else None
        form = AnswerForm(questions, saved=saved)
    if request.method == "POST":
        if form is None:
            messages.info(request, services.ERR_ALREADY_SUBMITTED)
            return redirect("surveys:detail", public_id=survey.public_id)
        draft = request.POST.get("action") == "draft"
        form = AnswerForm(questions, request.POST, draft=draft)
        if form.is_valid():
            save = services.response_save_draft if draft else services.response_submit
            if request.user.person is None:  # get_invitation answered 404 for no person
                raise Http404
            try:
                save(
                    survey=survey,
                    person=request.user.person,
                    account=request.user,
                    enrollment_id=invitation.enrollment_id,
                    answers=form.answers,
                )
            except Refused as refused:
                messages.error(request, refused.message)
            else:
                if draft:
                    messages.success(request, _("草稿已保存，可在截止日期前继续填写。"))
                else:
                    messages.success(request, _("答卷已提交，感谢您的参与。"))
            return redirect("surveys:detail", public_id=survey.public_id)
    context = {
        "survey": survey,
        "response": response,
        "form": form if survey.is_open else None,
        "answers": answered_questions(response) if response and response.is_submitted else [],
        "error_summary": str(ERR_SUMMARY) % {"count": form.error_count()}
        if form is not None and form.errors
        else "",
    }
    return render(request, "surveys/detail.html", context)
