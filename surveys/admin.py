"""Survey admin: national administrators write, preview, publish and close surveys and read
individual answers; registrars read their own school's result tables. Every page here is an
admin page, so staff have passed the TOTP step (accounts.twofactor) before any of it answers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from simple_history.admin import SimpleHistoryAdmin

from audit.models import AccessAction
from audit.services import access_record
from records import codes
from records.models import School
from xuexin.authed import signed_in_user
from xuexin.refused import Refused
from xuexin.staff import staff_sees_everyone

from . import eligibility, exports, results, services
from .access import results_school, surveys_for_staff
from .admin_forms import QuestionForm, QuestionFormSet, SurveyForm, format_options
from .forms import ERR_SUMMARY, AnswerForm
from .models import Question, ResponseStatus, Survey, SurveyResponse, SurveyStatus
from .presentation import answered_questions

LOCKED_NOTE = _("已有学生提交答卷：题目和调查对象不能再修改。如需修改，请“复制为新版本”。")


def _is_locked(survey: Survey | None) -> bool:
    return survey is not None and survey.has_answers


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    formset = QuestionFormSet
    extra = 0
    ordering = ["position", "id"]
    edit_fields = [
        ("position", "key", "kind", "required"),
        ("text", "text_en"),
        ("hint", "hint_en"),
        "options",
        ("min_value", "max_value", "max_length"),
        ("show_if_key", "show_if_values"),
    ]
    read_fields = [
        ("position", "key", "kind", "required"),
        ("text", "text_en"),
        ("hint", "hint_en"),
        "options_display",
        ("min_value", "max_value", "max_length"),
        ("show_if_key", "show_if_values_display"),
    ]

    def get_extra(self, request: HttpRequest, obj: Survey | None = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0

    def _editable(self, request: HttpRequest, obj: Survey | None) -> bool:
        return staff_sees_everyone(request.user) and not _is_locked(obj)

    def get_fields(self, request: HttpRequest, obj: Survey | None = None) -> list:
        return self.edit_fields if self._editable(request, obj) else self.read_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Survey | None = None) -> list:
        return [] if self._editable(request, obj) else ["options_display", "show_if_values_display"]

    def has_view_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        # Whoever may see the survey may see its questions.
        return surveys_for_staff(request.user).exists() or staff_sees_everyone(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return self._editable(request, obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("选项"))
    def options_display(self, obj: Question) -> str:
        return format_options(obj.options) or "—"

    @admin.display(description=_("显示条件：选项代码"))
    def show_if_values_display(self, obj: Question) -> str:
        return ", ".join(obj.show_if_values or []) or "—"


def _labels(values: list[str], choices: list) -> str:
    names = dict(choices)
    return gettext("、").join(str(names.get(value, value)) for value in values) or "—"


@admin.register(Survey)
class SurveyAdmin(SimpleHistoryAdmin):
    form = SurveyForm
    inlines = [QuestionInline]
    change_form_template = "admin/surveys/survey/change_form.html"
    list_display = ["__str__", "cohort", "status", "opens_on", "closes_on", "answer_count",
                    "results_link"]  # fmt: skip
    list_filter = ["status", "cohort"]
    search_fields = ["title"]
    autocomplete_fields = ["schools"]
    base_readonly = ["status", "version", "published_at", "closed_at", "created_by"]

    # --- who sees what ----------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest):
        scoped = surveys_for_staff(request.user).values("pk")
        submitted = Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
        return super().get_queryset(request).filter(pk__in=scoped).annotate(submitted=submitted)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return surveys_for_staff(request.user).exists() or staff_sees_everyone(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        if staff_sees_everyone(request.user):
            return True
        visible = surveys_for_staff(request.user)
        return visible.exists() if obj is None else visible.filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return staff_sees_everyone(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        return staff_sees_everyone(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Survey | None = None) -> bool:
        if not staff_sees_everyone(request.user):
            return False
        return obj is None or (obj.status == SurveyStatus.DRAFT and not obj.responses.exists())

    # --- the change page ---------------------------------------------------------------------
    def get_fieldsets(self, request: HttpRequest, obj: Survey | None = None):
        editable = staff_sees_everyone(request.user) and not _is_locked(obj)
        audience = ["cohort", "levels", "categories", "schools"]
        if not editable:
            audience = ["cohort", "levels_display", "categories_display", "schools_display"]
        return [
            (None, {"fields": ["title", "title_en", "intro", "intro_en"]}),
            (_("调查对象"), {"fields": audience}),
            (_("填写时间"), {"fields": [("opens_on", "closes_on")]}),
            (
                _("状态"),
                {"fields": [("status", "version"), ("published_at", "closed_at"), "created_by"]},
            ),  # fmt: skip
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Survey | None = None) -> list:
        fields = list(self.base_readonly)
        if obj is not None and (_is_locked(obj) or not staff_sees_everyone(request.user)):
            fields += ["cohort", "levels_display", "categories_display", "schools_display"]
            # Declared form fields must be named too, or the form would still ask for them.
            fields += ["levels", "categories", "schools"]
        return fields

    @admin.display(description=_("层次"))
    def levels_display(self, obj: Survey) -> str:
        return _labels(obj.levels, codes.LEVELS)

    @admin.display(description=_("学历类别"))
    def categories_display(self, obj: Survey) -> str:
        return _labels(obj.categories, codes.CATEGORIES)

    @admin.display(description=_("院校"))
    def schools_display(self, obj: Survey) -> str:
        return gettext("、").join(str(school) for school in obj.schools.all()) or gettext(
            "全部院校"
        )

    @admin.display(description=_("已提交答卷"), ordering="submitted")
    def answer_count(self, obj: Survey) -> int:
        return obj.submitted  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=_("结果"))
    def results_link(self, obj: Survey) -> str:
        if obj.status == SurveyStatus.DRAFT:
            return "—"
        url = reverse("admin:surveys_survey_results", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("查看结果"))

    def get_list_display(self, request: HttpRequest) -> list:
        if staff_sees_everyone(request.user):
            return self.list_display
        # A registrar's view of the total would be other schools' figures.
        return [name for name in self.list_display if name != "answer_count"]

    def save_model(self, request: HttpRequest, obj: Survey, form, change: bool) -> None:
        if not change:
            obj.created_by = signed_in_user(request)  # the admin lets in active staff only
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # The same lock a submission takes: questions never change under a first answer.
        services.lock_survey(form.instance)
        super().save_related(request, form, formsets, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            {
                "survey": obj,
                "locked_note": LOCKED_NOTE if _is_locked(obj) else "",
                "may_run": staff_sees_everyone(request.user),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- preview, publish, close, new version, results ---------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            ("preview/", self.preview_view, "preview"),
            ("publish/", self.publish_view, "publish"),
            ("close/", self.close_view, "close"),
            ("new-version/", self.new_version_view, "new_version"),
            ("results/", self.results_view, "results"),
            ("results/export/<str:kind>/", self.export_view, "export"),
        ]
        urls = [
            path(f"<path:object_id>/{suffix}", wrap(view), name=f"surveys_survey_{name}")
            for suffix, view, name in own
        ]
        return urls + super().get_urls()

    def _survey(self, request: HttpRequest, object_id: str) -> Survey:
        survey = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if survey is None:
            raise Http404
        return survey

    def _runner_survey(self, request: HttpRequest, object_id: str) -> Survey:
        if not staff_sees_everyone(request.user):
            raise Http404
        return self._survey(request, object_id)

    def _back(self, survey: Survey) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:surveys_survey_change", args=[survey.pk]))

    def _page(self, request: HttpRequest, template: str, title: str, **context: object):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **context,
        }
        return TemplateResponse(request, template, context)

    @method_decorator(require_http_methods(["GET", "POST"]))
    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The student's form, to try out: answers are checked, never stored."""
        survey = self._survey(request, object_id)
        questions = list(survey.questions.all())
        form = AnswerForm(questions, request.POST if request.method == "POST" else None)
        checked = form.is_bound and form.is_valid()
        return self._page(
            request,
            "surveys/preview.html",
            gettext("预览：%(title)s") % {"title": survey},
            survey=survey,
            form=form,
            preview=True,
            checked=checked,
            error_summary=str(ERR_SUMMARY) % {"count": form.error_count()}
            if form.is_bound and form.errors
            else "",
        )

    def _run(self, request: HttpRequest, object_id: str, action, done: str) -> HttpResponse:
        survey = self._runner_survey(request, object_id)
        try:
            result = action(survey=survey, by=request.user)
        except Refused as refused:
            messages.error(request, str(refused.message))
            return self._back(survey)
        # Banners show the change on the next page; if the cache cannot be reached, within
        # eligibility.OPEN_SURVEYS_SECONDS.
        eligibility.forget_open_surveys()
        messages.success(request, done)
        return self._back(result)

    @method_decorator(require_POST)
    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        done = gettext("调查已发布，符合条件的学生现在可以看到并填写。")
        return self._run(request, object_id, services.survey_publish, done)

    @method_decorator(require_POST)
    def close_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        done = gettext("调查已关闭，学生不能再提交答卷。")
        return self._run(request, object_id, services.survey_close, done)

    @method_decorator(require_POST)
    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        done = gettext("已复制为新版本（草稿）。修改后发布，旧版本会自动关闭。")
        return self._run(request, object_id, services.survey_new_version, done)

    def _results(self, request: HttpRequest, object_id: str) -> results.Results:
        survey = self._survey(request, object_id)
        if survey.status == SurveyStatus.DRAFT:
            raise Http404
        return results.compute(survey, results_school(request.user, request.GET.get("school")))

    @method_decorator(require_GET)
    def results_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        found = self._results(request, object_id)
        return self._page(
            request,
            "admin/surveys/survey/results.html",
            gettext("调查结果：%(title)s") % {"title": found.survey},
            results=found,
            schools=self._school_choices(request, found.survey),
        )

    def _school_choices(self, request: HttpRequest, survey: Survey) -> list[School]:
        """Schools a national administrator can narrow the tables to."""
        if not staff_sees_everyone(request.user):
            return []
        schools = survey.schools.all()
        if not schools:
            schools = School.objects.filter(pk__in=survey.responses.values("school_id"))
        return list(schools.order_by("code"))

    @method_decorator(require_GET)
    def export_view(self, request: HttpRequest, object_id: str, kind: str) -> HttpResponse:
        writers = {"csv": exports.csv_response, "xlsx": exports.xlsx_response}
        if kind not in writers:
            raise Http404
        found = self._results(request, object_id)
        scope = found.school.code if found.school else gettext("全部院校")
        access_record(
            request=request,
            action=AccessAction.EXPORT,
            target=f"{found.survey} {gettext('调查结果汇总')} {scope}",
        )
        return writers[kind](found)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Individual answers: national administrators only, and every read is in the access log."""

    list_display = ["submitted_at", "survey", "person", "school", "level", "status"]
    list_filter = ["status", "survey", "level"]
    list_select_related = ["survey", "person", "school"]
    search_fields = ["=person__id_number", "person__name"]
    fields = ("survey", "person", "school", "level", "category", "status", "submitted_at",
              "answers")  # fmt: skip
    readonly_fields = fields
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return staff_sees_everyone(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return staff_sees_everyone(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("回答"))
    def answers(self, obj: SurveyResponse) -> str:
        if not obj.is_submitted:
            return gettext("（草稿，未提交）")
        return format_html(
            '<dl class="survey-admin-answers">{}</dl>',
            format_html_join(
                "", "<dt>{}. {}</dt><dd>{}</dd>",
                (
                    (item.number, item.text, item.answer)
                    for item in answered_questions(obj, with_unanswered=True)
                ),
            ),
        )  # fmt: skip

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            found = self.get_object(request, unquote(object_id))
            if found is not None:
                target = f"{found.person} {found.survey} {gettext('答卷')}"
                access_record(request=request, action=AccessAction.VIEW_SURVEY_ANSWERS,
                              target=target)  # fmt: skip
        return response
