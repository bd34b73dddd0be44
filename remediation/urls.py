"""Remediation pages: EW staff under /staff/cases/, the lead partner under /partner/cases/,
affiliates under /a/<affiliate_slug>/cases/; shared POST endpoints for staff and partner
under /cases/ (each view picks the rows its user may touch)."""

from django.urls import path

from .views import affiliate, partner, shared, staff

app_name = "remediation"

urlpatterns = [
    # EW staff
    path("staff/cases/", staff.StaffCaseListView.as_view(), name="staff_cases"),
    path("staff/cases/new/", staff.CaseCreateView.as_view(), name="case_create"),
    path("staff/cases/<int:pk>/", staff.StaffCaseDetailView.as_view(), name="staff_case"),
    path("staff/cases/<int:pk>/edit/", staff.CaseEditView.as_view(), name="case_edit"),
    path("staff/cases/<int:pk>/status/", staff.CaseStatusView.as_view(), name="case_status"),
    path("staff/cases/<int:pk>/invite/", staff.CaseInviteView.as_view(), name="case_invite"),
    path("staff/cases/<int:pk>/companies/", staff.CompanyAddView.as_view(), name="company_add"),
    path("staff/cases/<int:pk>/actions/new/", staff.ActionCreateView.as_view(), name="action_add"),
    path(
        "staff/cases/<int:pk>/actions/<int:action_pk>/edit/",
        staff.ActionEditView.as_view(),
        name="action_edit",
    ),
    path(
        "staff/cases/<int:pk>/actions/<int:action_pk>/claim/",
        staff.ActionClaimView.as_view(),
        name="action_claim",
    ),
    path(
        "staff/cases/<int:pk>/escalations/",
        staff.EscalationAddView.as_view(),
        name="escalation_add",
    ),
    path(
        "staff/cases/<int:pk>/escalations/<int:escalation_pk>/outcome/",
        staff.EscalationOutcomeView.as_view(),
        name="escalation_outcome",
    ),
    path(
        "staff/cases/<int:pk>/compensation/",
        staff.CompensationAddView.as_view(),
        name="compensation_add",
    ),
    path(
        "staff/cases/<int:pk>/compensation/<int:compensation_pk>/",
        staff.CompensationEditView.as_view(),
        name="compensation_edit",
    ),
    path(
        "staff/cases/<int:pk>/employer-pays/",
        staff.CohortCompensationView.as_view(),
        name="cohort_compensation",
    ),
    path(
        "staff/cases/<int:pk>/employer-pays/<int:compensation_pk>/agreed/",
        staff.CompensationAgreedView.as_view(),
        name="compensation_agreed",
    ),
    path(
        "staff/cases/<int:pk>/employer-pays/<int:compensation_pk>/payments/",
        staff.PaymentRecordView.as_view(),
        name="payment_record",
    ),
    # The lead monitoring partner
    path("partner/cases/", partner.PartnerCaseListView.as_view(), name="partner_cases"),
    path("partner/cases/<int:pk>/", partner.PartnerCaseDetailView.as_view(), name="partner_case"),
    # Staff and the lead partner
    path("cases/<int:pk>/updates/", shared.UpdatePostView.as_view(), name="update_post"),
    path(
        "cases/<int:pk>/actions/<int:action_pk>/verify/",
        shared.ActionVerifyView.as_view(),
        name="action_verify",
    ),
    path(
        "cases/<int:pk>/actions/<int:action_pk>/reject/",
        shared.ActionRejectView.as_view(),
        name="action_reject",
    ),
    path(
        "cases/attachments/<int:pk>/",
        shared.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path(
        "cases/progress-files/<int:pk>/",
        shared.ProgressAttachmentDownloadView.as_view(),
        name="progress_attachment",
    ),
    # Affiliates
    path(
        "a/<slug:affiliate_slug>/cases/",
        affiliate.AffiliateCaseListView.as_view(),
        name="affiliate_cases",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/",
        affiliate.AffiliateCaseDetailView.as_view(),
        name="affiliate_case",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/join/",
        affiliate.CaseJoinView.as_view(),
        name="affiliate_case_join",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/engagement/",
        affiliate.EngagementLogView.as_view(),
        name="affiliate_engagement",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/<int:pk>/letter.pdf",
        affiliate.LetterView.as_view(),
        name="affiliate_letter",
    ),
    path(
        "a/<slug:affiliate_slug>/cases/attachments/<int:pk>/",
        affiliate.AffiliateAttachmentDownloadView.as_view(),
        name="affiliate_attachment",
    ),
]
