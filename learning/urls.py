"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import community

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    # --- Events (/learn/events/) ---
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
    # --- Risk screening (/a/<slug>/screenings/) ---
    # --- Staff overview (/staff/learning/) ---
]
