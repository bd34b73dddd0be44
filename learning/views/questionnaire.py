"""EW staff's pages for the self-assessment questionnaire, under /staff/learning/questionnaires/:
the versions, a new version copied from the current one, a draft's questions, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import StaffRequiredMixin
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.views import ListView, show_domain_error

from ..forms.assessment import QuestionForm, QuestionnaireTitleForm
from ..models import Question, Questionnaire
from ..services import questionnaire as editing
from ..services.assessment import questions_by_stage


class QuestionnaireListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(
        Questionnaire, "version", "title_en", "title_fr", "status", "published_at"
    )

    model = Questionnaire
    template_name = "learning/questionnaire/list.html"
    context_object_name = "questionnaires"
    paginate_by = 25

    def get_queryset(self):
        return Questionnaire.objects.annotate(
            question_count=Count("questions", distinct=True),
            assessment_count=Count("assessments", distinct=True),
        ).order_by("-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draft"] = Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT).first()
        return context


class QuestionnaireNewVersionView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        try:
            draft = editing.questionnaire_new_version(by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("learning:questionnaire_list")
        messages.success(
            request,
            _("Version %(version)d created as a draft, with the questions of the current one.")
            % {"version": draft.version},
        )
        return redirect(draft.get_absolute_url())


class QuestionnaireDetailView(StaffRequiredMixin, DetailView):
    """A version's questions by stage; a draft's title and questions can be edited."""

    model = Questionnaire
    template_name = "learning/questionnaire/detail.html"
    context_object_name = "questionnaire"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            stages=questions_by_stage(self.object),
            title_form=kwargs.get("title_form") or QuestionnaireTitleForm(instance=self.object),
            question_form=kwargs.get("question_form") or QuestionForm(auto_id="new_%s"),
        )
        return context

    def post(self, request, *args, **kwargs):
        """The draft's title."""
        self.object = self.get_object()
        form = QuestionnaireTitleForm(request.POST, instance=Questionnaire(pk=self.object.pk))
        if form.is_valid():
            try:
                editing.questionnaire_update(
                    questionnaire=self.object,
                    title_en=form.cleaned_data["title_en"],
                    title_fr=form.cleaned_data["title_fr"],
                )
            except DomainError as error:
                show_domain_error(request, error)
            else:
                messages.success(request, _("Title saved."))
                return redirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(title_form=form), status=400)


class QuestionCreateView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        form = QuestionForm(request.POST, auto_id="new_%s")
        if form.is_valid():
            try:
                editing.question_save(questionnaire=questionnaire, **form.cleaned_data)
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Question added."))
                return redirect(questionnaire.get_absolute_url())
        view = QuestionnaireDetailView(request=request, kwargs={"pk": pk}, object=questionnaire)
        return view.render_to_response(
            view.get_context_data(object=questionnaire, question_form=form), status=400
        )


class QuestionEditView(StaffRequiredMixin, DetailView):
    model = Question
    pk_url_kwarg = "question_pk"
    template_name = "learning/questionnaire/question.html"
    context_object_name = "question"

    def get_queryset(self):
        return Question.objects.filter(questionnaire_id=self.kwargs["pk"]).select_related(
            "questionnaire"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or QuestionForm(instance=self.object)
        context["questionnaire"] = self.object.questionnaire
        return context

    def post(self, request, *args, **kwargs):
        self.object = question = self.get_object()
        form = QuestionForm(request.POST, instance=Question(pk=question.pk))
        if form.is_valid():
            try:
                editing.question_save(
                    questionnaire=question.questionnaire, question=question, **form.cleaned_data
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Question saved."))
                return redirect(question.questionnaire.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class QuestionDeleteView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, question_pk):
        question = get_object_or_404(
            Question.objects.select_related("questionnaire"), pk=question_pk, questionnaire_id=pk
        )
        try:
            editing.question_delete(questionnaire=question.questionnaire, question=question)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Question removed."))
        return redirect(question.questionnaire.get_absolute_url())


class QuestionnairePublishView(StaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        try:
            editing.questionnaire_publish(questionnaire=questionnaire, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(
                request,
                _("Version %(version)d is published: new self-assessments use it.")
                % {"version": questionnaire.version},
            )
        return redirect(questionnaire.get_absolute_url())
