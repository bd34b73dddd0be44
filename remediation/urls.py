"""Remediation pages: EW staff under /staff/cases/, the lead partner under /partner/cases/,
affiliates under /a/<affiliate_slug>/cases/; shared POST endpoints for staff and partner
under /cases/ (each view picks the rows its user may touch)."""

from django.urls import path

from . import views

app_name = "remediation"

urlpatterns = [
    # EW staff
    path("staff/cases/", views.StaffCaseListView.as_view(), name="staff_cases"),
    path("staff/cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("staff/cases/<int:pk>/", views.StaffCaseDetailView.as_view(), name="staff_case"),
    path("staff/cases/<int:pk>/edit/", views.CaseEditView.as_view(), name="case_edit"),
    path("staff/cases/<int:pk>/status/", views.CaseStatusView.as_view(), name="case_status"),
    path("staff/cases/<int:pk>/invite/", views.CaseInviteView.as_view(), name="case_invite"),
    path("staff/cases/<int:pk>/companies/", views.CompanyAddView.as_view(), name="company_add"),
    path("staff/cases/<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action_add"),
    path(
        "staff/cases/<int:pk>/actions/<int:action_pk>/edit/",
        views.ActionEditView.as_view(),
        name="action_edit",
    ),
    path(
        "staff/cases/<int:pk>/actions/<int:action_pk>/claim/",
        views.ActionClaimView.as_view(),
        name="action_claim",
    ),
    path(
        "staff/cases/<int:pk>/escalations/",
        views.EscalationAddView.as_view(),
        name="escalation_add",
    ),
    path(
        "staff/cases/<int:pk>/escalations/<int:escalation_pk>/outcome/",
        views.EscalationOutcomeView.as_view(),
        name="escalation_outcome",
    ),
    path(
        "staff/cases/<int:pk>/compensation/",
        views.CompensationAddView.as_view(),
        name="compensation_add",
    ),
    path(
        "staff/cases/<int:pk>/compensation/<int:compensation_pk>/",
        views.CompensationEditView.as_view(),
        name="compensation_edit",
    ),
    # The lead monitoring partner
    path("partner/cases/", views.PartnerCaseListView.as_view(), name="partner_cases"),
    path("partner/cases/<int:pk>/", views.PartnerCaseDetailView.as_view(), name="partner_case"),
    # Staff and the lead partner
    path("cases/<int:pk>/updates/", views.UpdatePostView.as_view(), name="update_post"),
    path(
        "cases/<int:pk>/actions/<int:action_pk>/verify/",
        views.ActionVerifyView.as_view(),
        name="action_verify",
    ),
    path(
        "cases/<int:pk>/actions/<int:action_pk>/reject/",
        views.ActionRejectView.as_view(),
        name="action_reject",
    ),
    path(
        "cases/attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    # Affiliates
    path(
        "a/<slug:affiliate_slug>/cases/",
        views.AffiliateCaseListView.as_view(),
        name="affiliate_cases",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/",
        views.AffiliateCaseDetailView.as_view(),
        name="affiliate_case",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/join/",
        views.CaseJoinView.as_view(),
        name="affiliate_case_join",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/engagement/",
        views.EngagementLogView.as_view(),
        name="affiliate_engagement",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/letter.pdf",
        views.LetterView.as_view(),
        name="affiliate_letter",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/attachments/<int:pk>/",
        views.AffiliateAttachmentDownloadView.as_view(),
        name="affiliate_attachment",
    ),
]
