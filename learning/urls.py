"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import assessment as assessment_views
from .views import community, event_staff, events, library, screening, staff
from .views import questionnaire as questionnaire_views

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    path("learn/", library.LibraryView.as_view(), name="library"),
    path("learn/bookmarks/", library.BookmarkListView.as_view(), name="bookmarks"),
    path("learn/new/", library.ResourceCreateView.as_view(), name="resource_create"),
    path("learn/topics/", library.TopicListView.as_view(), name="topics"),
    path("learn/topics/<int:pk>/", library.TopicEditView.as_view(), name="topic_edit"),
    path("learn/resources/<int:pk>/", library.ResourceDetailView.as_view(), name="resource"),
    path(
        "learn/resources/<int:pk>/edit/", library.ResourceEditView.as_view(), name="resource_edit"
    ),
    path(
        "learn/resources/<int:pk>/versions/new/",
        library.VersionAddView.as_view(),
        name="version_add",
    ),
    path(
        "learn/resources/<int:pk>/versions/<int:version_pk>/file/",
        library.ResourceDownloadView.as_view(),
        name="resource_download",
    ),
    path(
        "learn/resources/<int:pk>/compare/",
        library.ResourceDiffView.as_view(),
        name="resource_diff",
    ),
    path(
        "learn/resources/<int:pk>/bookmark/",
        library.BookmarkToggleView.as_view(),
        name="resource_bookmark",
    ),
    path(
        "learn/resources/<int:pk>/publish/",
        library.ResourcePublishView.as_view(),
        name="resource_publish",
    ),
    path(
        "learn/resources/<int:pk>/unpublish/",
        library.ResourceUnpublishView.as_view(),
        name="resource_unpublish",
    ),
    # --- Events (/learn/events/) ---
    path("learn/events/", events.EventListView.as_view(), name="events"),
    path("learn/events/<int:pk>/", events.EventDetailView.as_view(), name="event"),
    path("learn/events/<int:pk>/register/", events.RegisterView.as_view(), name="event_register"),
    path("learn/events/<int:pk>/cancel/", events.CancelView.as_view(), name="event_cancel"),
    path(
        "learn/events/<int:pk>/materials/<int:version_pk>/",
        events.MaterialDownloadView.as_view(),
        name="event_material",
    ),
    path("staff/events/new/", event_staff.EventCreateView.as_view(), name="event_create"),
    path("staff/events/<int:pk>/edit/", event_staff.EventEditView.as_view(), name="event_edit"),
    path(
        "staff/events/<int:pk>/cancel/",
        event_staff.EventCancelView.as_view(),
        name="event_staff_cancel",
    ),
    path(
        "staff/events/<int:pk>/registrations/",
        event_staff.RegistrationListView.as_view(),
        name="event_registrations",
    ),
    path(
        "staff/events/<int:pk>/materials/",
        event_staff.MaterialAttachView.as_view(),
        name="event_materials",
    ),
    path(
        "a/<slug:affiliate_slug>/training/",
        event_staff.AffiliateTrainingView.as_view(),
        name="affiliate_training",
    ),
    path("partner/training/", event_staff.PartnerTrainingView.as_view(), name="partner_training"),
    # --- Community (/community/) ---
    path("community/", community.ThreadListView.as_view(), name="community"),
    path("community/new/", community.ThreadCreateView.as_view(), name="community_new"),
    path(
        "community/threads/<int:pk>/",
        community.ThreadDetailView.as_view(),
        name="community_thread",
    ),
    path(
        "community/threads/<int:pk>/follow/",
        community.FollowView.as_view(),
        name="community_follow",
    ),
    path(
        "community/threads/<int:pk>/lock/",
        community.ThreadLockView.as_view(),
        name="community_lock",
    ),
    path(
        "community/posts/<int:pk>/edit/",
        community.PostEditView.as_view(),
        name="community_post_edit",
    ),
    path(
        "community/posts/<int:pk>/report/",
        community.PostReportView.as_view(),
        name="community_post_report",
    ),
    path(
        "community/posts/<int:pk>/hide/",
        community.PostHideView.as_view(),
        name="community_post_hide",
    ),
    path(
        "community/posts/<int:pk>/unhide/",
        community.PostUnhideView.as_view(),
        name="community_post_unhide",
    ),
    path(
        "community/posts/<int:pk>/recommend/",
        community.PostRecommendView.as_view(),
        name="community_post_recommend",
    ),
    path(
        "community/moderation/",
        community.ModerationQueueView.as_view(),
        name="community_moderation",
    ),
    path(
        "community/reports/<int:pk>/handle/",
        community.ReportHandleView.as_view(),
        name="community_report_handle",
    ),
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
    path(
        "a/<slug:affiliate_slug>/screenings/",
        screening.ScreeningListView.as_view(),
        name="screening_list",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/new/",
        screening.ScreeningCreateView.as_view(),
        name="screening_create",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/",
        screening.ScreeningDetailView.as_view(),
        name="screening_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/edit/",
        screening.ScreeningUpdateView.as_view(),
        name="screening_update",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/save/",
        screening.ScreeningSaveView.as_view(),
        name="screening_save",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/refresh/",
        screening.ScreeningRefreshView.as_view(),
        name="screening_refresh",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/contract/new/",
        screening.ScreeningContractCreateView.as_view(),
        name="screening_contract_create",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/contract/link/",
        screening.ScreeningLinkContractView.as_view(),
        name="screening_contract_link",
    ),
    path(
        "staff/country-risk/",
        screening.CountryRiskListView.as_view(),
        name="country_risk_list",
    ),
    path(
        "staff/country-risk/new/",
        screening.CountryRiskCreateView.as_view(),
        name="country_risk_create",
    ),
    path(
        "staff/country-risk/<int:pk>/edit/",
        screening.CountryRiskUpdateView.as_view(),
        name="country_risk_update",
    ),
    path(
        "staff/country-risk/<int:pk>/delete/",
        screening.CountryRiskDeleteView.as_view(),
        name="country_risk_delete",
    ),
    # --- Staff overview (/staff/learning/) ---
    path("staff/learning/", staff.StaffOverviewView.as_view(), name="staff_overview"),
]
