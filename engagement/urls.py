"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import actions, contacts, disclosures, performance, portal, replies

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
]
