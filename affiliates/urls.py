"""Accounts and affiliates: the account pages, invitation links, the members of an affiliate
(under /a/<affiliate_slug>/, scoped by the tenant middleware) and EW staff's list of affiliates."""

from django.urls import include, path

from . import views, views_sso

app_name = "affiliates"

# Pages of the affiliate named in the URL (scoped by affiliates.tenancy.TenantMiddleware).
affiliate_patterns = [
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "members/<int:pk>/role/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
]

urlpatterns = [
    path("a/<slug:affiliate_slug>/", include(affiliate_patterns)),
    path("language/", views.LanguageView.as_view(), name="set_language"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/tokens/", views.ApiTokenView.as_view(), name="api_tokens"),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("staff/affiliates/", views.StaffAffiliateListView.as_view(), name="staff_affiliates"),
    # Single sign-on (affiliates/sso.py): the login page's form, staff's configuration.
    path("accounts/sso/", views_sso.SingleSignOnStartView.as_view(), name="sso_start"),
    path("staff/sso/", views_sso.StaffSingleSignOnListView.as_view(), name="staff_sso"),
    path("staff/sso/new/", views_sso.StaffSingleSignOnEditView.as_view(), name="staff_sso_new"),
    path(
        "staff/sso/<int:pk>/",
        views_sso.StaffSingleSignOnEditView.as_view(),
        name="staff_sso_edit",
    ),
]
