"""Accounts and affiliates: the account pages, invitation links, the members of an affiliate
(under /a/<affiliate_slug>/, scoped by the tenant middleware) and EW staff's list of affiliates."""

from django.urls import path

from . import views

app_name = "affiliates"

urlpatterns = [
    path("language/", views.LanguageView.as_view(), name="set_language"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/tokens/", views.ApiTokenView.as_view(), name="api_tokens"),
    path(
        "invitations/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("a/<slug:affiliate_slug>/members/", views.MemberListView.as_view(), name="members"),
    path("a/<slug:affiliate_slug>/members/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "a/<slug:affiliate_slug>/members/<int:pk>/role/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "a/<slug:affiliate_slug>/members/<int:pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "a/<slug:affiliate_slug>/invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("staff/affiliates/", views.StaffAffiliateListView.as_view(), name="staff_affiliates"),
]
