"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import assessment as assessment_views
from .views import questionnaire as questionnaire_views

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    # --- Events (/learn/events/) ---
    # --- Community (/community/) ---
    # --- Self-assessment (/a/<slug>/self-assessment/) ---
    path(
        "a/<slug:affiliate_slug>/self-assessment/",
        assessment_views.AssessmentOverviewView.as_view(),
        name="assessment_overview",
    ),
    path(
        "a/<slug:affiliate_slug>/self-assessment/start/",
        assessment_views.AssessmentStartView.as_view(),
        name="assessment_start",
    ),
    path(
        "a/<slug:affiliate_slug>/self-assessment/<int:pk>/",
        assessment_views.AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/self-assessment/<int:pk>/questions/<int:question_pk>/",
        assessment_views.AnswerSaveView.as_view(),
        name="assessment_answer",
    ),
    path(
        "a/<slug:affiliate_slug>/self-assessment/<int:pk>/pdf/",
        assessment_views.AssessmentPdfView.as_view(),
        name="assessment_pdf",
    ),
    path(
        "a/<slug:affiliate_slug>/self-assessment/<int:pk>/pdf/download/",
        assessment_views.AssessmentPdfDownloadView.as_view(),
        name="assessment_pdf_download",
    ),
    path(
        "staff/learning/questionnaires/",
        questionnaire_views.QuestionnaireListView.as_view(),
        name="questionnaire_list",
    ),
    path(
        "staff/learning/questionnaires/new-version/",
        questionnaire_views.QuestionnaireNewVersionView.as_view(),
        name="questionnaire_new_version",
    ),
    path(
        "staff/learning/questionnaires/<int:pk>/",
        questionnaire_views.QuestionnaireDetailView.as_view(),
        name="questionnaire_detail",
    ),
    path(
        "staff/learning/questionnaires/<int:pk>/publish/",
        questionnaire_views.QuestionnairePublishView.as_view(),
        name="questionnaire_publish",
    ),
    path(
        "staff/learning/questionnaires/<int:pk>/questions/new/",
        questionnaire_views.QuestionCreateView.as_view(),
        name="question_create",
    ),
    path(
        "staff/learning/questionnaires/<int:pk>/questions/<int:question_pk>/",
        questionnaire_views.QuestionEditView.as_view(),
        name="question_edit",
    ),
    path(
        "staff/learning/questionnaires/<int:pk>/questions/<int:question_pk>/delete/",
        questionnaire_views.QuestionDeleteView.as_view(),
        name="question_delete",
    ),
    # --- Risk screening (/a/<slug>/screenings/) ---
    # --- Staff overview (/staff/learning/) ---
]
