"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import library

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    path("learn/", library.LibraryView.as_view(), name="library"),
    path("learn/bookmarks/", library.BookmarkListView.as_view(), name="bookmarks"),
    path("learn/new/", library.ResourceCreateView.as_view(), name="resource_create"),
    path("learn/topics/", library.TopicListView.as_view(), name="topics"),
    path("learn/topics/<int:pk>/", library.TopicEditView.as_view(), name="topic_edit"),
    path("learn/resources/<int:pk>/", library.ResourceDetailView.as_view(), name="resource"),
    path(
        "learn/resources/<int:pk>/edit/", library.ResourceEditView.as_view(), name="resource_edit"
    ),
    path(
        "learn/resources/<int:pk>/versions/new/",
        library.VersionAddView.as_view(),
        name="version_add",
    ),
    path(
        "learn/resources/<int:pk>/versions/<int:version_pk>/file/",
        library.ResourceDownloadView.as_view(),
        name="resource_download",
    ),
    path(
        "learn/resources/<int:pk>/compare/",
        library.ResourceDiffView.as_view(),
        name="resource_diff",
    ),
    path(
        "learn/resources/<int:pk>/bookmark/",
        library.BookmarkToggleView.as_view(),
        name="resource_bookmark",
    ),
    path(
        "learn/resources/<int:pk>/publish/",
        library.ResourcePublishView.as_view(),
        name="resource_publish",
    ),
    path(
        "learn/resources/<int:pk>/unpublish/",
        library.ResourceUnpublishView.as_view(),
        name="resource_unpublish",
    ),
    # --- Events (/learn/events/) ---
    # --- Community (/community/) ---
    # --- Self-assessment (/a/<slug>/self-assessment/) ---
    # --- Risk screening (/a/<slug>/screenings/) ---
    # --- Staff overview (/staff/learning/) ---
]
