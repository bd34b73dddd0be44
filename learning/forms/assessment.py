"""Forms of the self-assessment: one small form per question (prefixed `q<id>`, so that a
whole questionnaire posts as one form without JavaScript and one question posts alone with
htmx), the PDF request, and staff's question editor."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import AnswerLevel, Question, Questionnaire
from ..services.assessment import EVIDENCE_MAX_LENGTH


class AnswerForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("", _("No answer yet")), *AnswerLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose one of the answers: not in place, partly, mostly or fully in place."
            )
        },
    )
    evidence = forms.CharField(
        label=_("Evidence notes"),
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows it: a policy, a tender document, a report, a contact."),
    )

    def __init__(self, *args, question: Question, **kwargs):
        kwargs.setdefault("prefix", f"q{question.pk}")
        super().__init__(*args, **kwargs)
        self.question = question

    def is_present(self) -> bool:
        """Whether the posted data carries this question at all (a partial form posts only
        the questions shown)."""
        return any(self.add_prefix(name) in self.data for name in self.fields)


class PdfRequestForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the PDF"), choices=settings.LANGUAGES)


class QuestionnaireTitleForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title_en", "title_fr"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["stage", "order", "text_en", "text_fr", "help_en", "help_fr"]
        widgets = {
            "text_en": forms.Textarea(attrs={"rows": 2}),
            "text_fr": forms.Textarea(attrs={"rows": 2}),
            "help_en": forms.Textarea(attrs={"rows": 2}),
            "help_fr": forms.Textarea(attrs={"rows": 2}),
        }
