"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import portal, replies

app_name = "engagement"

urlpatterns = [
    # --- Company portal (/company/) ---
    path("company/", portal.CompanyHomeView.as_view(), name="company_home"),
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
