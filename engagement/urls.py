"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import (
    actions,
    contacts,
    dialogue,
    dialogue_portal,
    disclosures,
    organisations,
    performance,
    portal,
    referrals,
    replies,
)

app_name = "engagement"

urlpatterns = [
    # --- Company portal (/company/) ---
    path("company/", portal.CompanyHomeView.as_view(), name="company_home"),
    # --- Company performance tracker ---
    path(
        "a/<slug:affiliate_slug>/companies/",
        performance.AffiliateCompanyListView.as_view(),
        name="affiliate_companies",
    ),
    path(
        "a/<slug:affiliate_slug>/companies/<int:pk>/",
        performance.AffiliateCompanyDetailView.as_view(),
        name="affiliate_company",
    ),
    path(
        "staff/companies/performance/",
        performance.StaffComparisonView.as_view(),
        name="staff_performance",
    ),
    path(
        "staff/companies/performance/recompute/",
        performance.StaffRecomputeView.as_view(),
        name="staff_recompute",
    ),
    path(
        "staff/companies/performance/methods/",
        performance.StaffMethodListView.as_view(),
        name="staff_methods",
    ),
    path(
        "staff/companies/performance/methods/<int:pk>/withdraw/",
        performance.StaffMethodWithdrawView.as_view(),
        name="staff_method_withdraw",
    ),
    path(
        "staff/companies/<int:pk>/performance/",
        performance.StaffCompanyPerformanceView.as_view(),
        name="staff_company_performance",
    ),
    path(
        "company/performance/",
        performance.CompanyPerformanceView.as_view(),
        name="company_performance",
    ),
    path(
        "company/performance/<int:pk>/comments/",
        performance.CompanyScoreCommentView.as_view(),
        name="company_score_comment",
    ),
    # --- Company accounts and the portal's disclosures and actions (portal helper) ---
    path(
        "company/disclosures/",
        disclosures.CompanyDisclosureListView.as_view(),
        name="company_disclosures",
    ),
    path(
        "company/disclosures/<int:pk>/",
        disclosures.CompanyDisclosureDetailView.as_view(),
        name="company_disclosure",
    ),
    path("company/actions/", actions.CompanyActionListView.as_view(), name="company_actions"),
    path(
        "company/actions/<int:pk>/",
        actions.CompanyActionDetailView.as_view(),
        name="company_action",
    ),
    path(
        "staff/engagement/companies/<int:pk>/contacts/",
        contacts.StaffCompanyContactsView.as_view(),
        name="staff_company_contacts",
    ),
    path(
        "staff/engagement/companies/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        contacts.StaffInvitationWithdrawView.as_view(),
        name="staff_invitation_withdraw",
    ),
    path(
        "staff/engagement/companies/<int:pk>/contacts/<int:contact_pk>/remove/",
        contacts.StaffContactRemoveView.as_view(),
        name="staff_contact_remove",
    ),
    path(
        "invitations/company/<str:token>/",
        contacts.CompanyInvitationAcceptView.as_view(),
        name="company_invitation_accept",
    ),
    # --- Right of reply: findings shared with the company (/company/findings/) ---
    path("company/findings/", replies.CompanyFindingListView.as_view(), name="company_findings"),
    path(
        "company/findings/<int:pk>/",
        replies.CompanyFindingDetailView.as_view(),
        name="company_finding",
    ),
    path(
        "company/findings/attachments/<int:pk>/",
        replies.CompanyReplyAttachmentView.as_view(),
        name="company_reply_attachment",
    ),
    path(
        "company/replies/<int:pk>/pdf/",
        replies.CompanyReplyPdfView.as_view(),
        name="company_reply_pdf",
    ),
    # --- RBA referrals (staff) ---
    path("staff/referrals/", referrals.ReferralListView.as_view(), name="referral_list"),
    path(
        "staff/referrals/new/<int:case_pk>/",
        referrals.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path(
        "staff/referrals/<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral_detail"
    ),
    path(
        "staff/referrals/<int:pk>/edit/", referrals.ReferralEditView.as_view(), name="referral_edit"
    ),
    path(
        "staff/referrals/<int:pk>/response/",
        referrals.ReferralResponseView.as_view(),
        name="referral_response",
    ),
    path(
        "staff/referrals/<int:pk>/close/",
        referrals.ReferralCloseView.as_view(),
        name="referral_close",
    ),
    # --- Multi-stakeholder dialogue (staff; participants under /a/<slug>/ and /company/) ---
    path("staff/dialogues/", dialogue.DialogueListView.as_view(), name="dialogue_list"),
    path("staff/dialogues/new/", dialogue.DialogueCreateView.as_view(), name="dialogue_create"),
    path(
        "staff/dialogues/<int:pk>/", dialogue.DialogueDetailView.as_view(), name="dialogue_detail"
    ),
    path(
        "staff/dialogues/<int:pk>/edit/", dialogue.DialogueEditView.as_view(), name="dialogue_edit"
    ),
    path(
        "staff/dialogues/<int:pk>/meetings/new/",
        dialogue.MeetingSaveView.as_view(),
        name="meeting_create",
    ),
    path(
        "staff/dialogues/<int:pk>/meetings/<int:meeting_pk>/",
        dialogue.MeetingSaveView.as_view(),
        name="meeting_edit",
    ),
    path(
        "staff/dialogues/<int:pk>/participants/",
        dialogue.ParticipantAddView.as_view(),
        name="participant_add",
    ),
    path(
        "staff/dialogues/<int:pk>/participants/<int:participant_pk>/remove/",
        dialogue.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/new/",
        dialogue.CommitmentSaveView.as_view(),
        name="commitment_create",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/<int:commitment_pk>/",
        dialogue.CommitmentSaveView.as_view(),
        name="commitment_edit",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/<int:commitment_pk>/status/",
        dialogue.CommitmentStatusView.as_view(),
        name="commitment_status",
    ),
    path(
        "staff/organisations/",
        organisations.OrganisationListView.as_view(),
        name="organisation_list",
    ),
    path(
        "staff/organisations/new/",
        organisations.OrganisationSaveView.as_view(),
        name="organisation_create",
    ),
    path(
        "staff/organisations/<int:pk>/",
        organisations.OrganisationSaveView.as_view(),
        name="organisation_edit",
    ),
    path(
        "a/<slug:affiliate_slug>/dialogues/",
        dialogue_portal.AffiliateDialogueListView.as_view(),
        name="affiliate_dialogues",
    ),
    path(
        "a/<slug:affiliate_slug>/dialogues/<int:pk>/",
        dialogue_portal.AffiliateDialogueDetailView.as_view(),
        name="affiliate_dialogue",
    ),
    path(
        "company/dialogues/",
        dialogue_portal.CompanyDialogueListView.as_view(),
        name="company_dialogues",
    ),
    path(
        "company/dialogues/<int:pk>/",
        dialogue_portal.CompanyDialogueDetailView.as_view(),
        name="company_dialogue",
    ),
]
