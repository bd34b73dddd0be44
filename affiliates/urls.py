"""Affiliate pages: everything under /a/<affiliate_slug>/ is tenant-scoped by the middleware."""

from django.urls import path

from . import views

app_name = "affiliates"

urlpatterns = [
    path("", views.AffiliateDashboardView.as_view(), name="dashboard"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/invite/", views.InviteView.as_view(), name="invite"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
]
