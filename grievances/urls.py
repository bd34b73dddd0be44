"""Included at the root: the public pages, the staff area and the partner area."""

from django.urls import path

from . import public, views

app_name = "grievances"

urlpatterns = [
    # Anonymous (tests/platform/test_isolation.py lists them as public).
    path("grievances/new/", public.GrievanceNewView.as_view(), name="new"),
    path("grievances/factories/", public.FactorySearchView.as_view(), name="factory_search"),
    path("grievances/follow-up/", public.FollowUpView.as_view(), name="follow_up"),
    path("grievances/follow-up/thread/", public.ThreadView.as_view(), name="thread"),
    path("grievances/follow-up/leave/", public.LeaveView.as_view(), name="leave"),
    # Electronics Watch staff.
    path("staff/grievances/", views.StaffQueueView.as_view(), name="staff_queue"),
    path("staff/grievances/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/grievances/<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("staff/grievances/<int:pk>/classify/", views.ClassifyView.as_view(), name="classify"),
    path(
        "staff/grievances/<int:pk>/factories/",
        views.StaffFactorySearchView.as_view(),
        name="staff_factory_search",
    ),
    path(
        "staff/grievances/<int:pk>/translation/",
        views.TranslateView.as_view(),
        name="translate",
    ),
    path(
        "staff/grievances/<int:pk>/acknowledge/",
        views.AcknowledgeView.as_view(),
        name="acknowledge",
    ),
    path("staff/grievances/<int:pk>/review/", views.StartReviewView.as_view(), name="review"),
    path("staff/grievances/<int:pk>/refer/", views.ReferView.as_view(), name="refer"),
    path("staff/grievances/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path(
        "staff/grievances/<int:pk>/messages/",
        views.StaffMessageView.as_view(),
        name="staff_message",
    ),
    path(
        "staff/grievances/<int:pk>/attachments/<int:id>/",
        views.AttachmentDownloadView.as_view(),
        name="staff_attachment",
    ),
    # Monitoring partners: their own organisation's grievances only.
    path("partner/grievances/", views.PartnerListView.as_view(), name="partner_list"),
    path("partner/grievances/new/", views.PartnerNewView.as_view(), name="partner_new"),
    path("partner/grievances/<int:pk>/", views.PartnerDetailView.as_view(), name="partner_detail"),
    path(
        "partner/grievances/<int:pk>/messages/",
        views.PartnerMessageView.as_view(),
        name="partner_message",
    ),
    path(
        "partner/grievances/<int:pk>/attachments/<int:id>/",
        views.AttachmentDownloadView.as_view(),
        name="partner_attachment",
    ),
]
