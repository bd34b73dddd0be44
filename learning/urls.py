"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import event_staff, events

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    # --- Events (/learn/events/) ---
    path("learn/events/", events.EventListView.as_view(), name="events"),
    path("learn/events/<int:pk>/", events.EventDetailView.as_view(), name="event"),
    path("learn/events/<int:pk>/register/", events.RegisterView.as_view(), name="event_register"),
    path("learn/events/<int:pk>/cancel/", events.CancelView.as_view(), name="event_cancel"),
    path(
        "learn/events/<int:pk>/materials/<int:version_pk>/",
        events.MaterialDownloadView.as_view(),
        name="event_material",
    ),
    path("staff/events/new/", event_staff.EventCreateView.as_view(), name="event_create"),
    path("staff/events/<int:pk>/edit/", event_staff.EventEditView.as_view(), name="event_edit"),
    path(
        "staff/events/<int:pk>/cancel/",
        event_staff.EventCancelView.as_view(),
        name="event_staff_cancel",
    ),
    path(
        "staff/events/<int:pk>/registrations/",
        event_staff.RegistrationListView.as_view(),
        name="event_registrations",
    ),
    path(
        "staff/events/<int:pk>/materials/",
        event_staff.MaterialAttachView.as_view(),
        name="event_materials",
    ),
    path(
        "a/<slug:affiliate_slug>/training/",
        event_staff.AffiliateTrainingView.as_view(),
        name="affiliate_training",
    ),
    path("partner/training/", event_staff.PartnerTrainingView.as_view(), name="partner_training"),
    # --- Community (/community/) ---
    # --- Self-assessment (/a/<slug>/self-assessment/) ---
    # --- Risk screening (/a/<slug>/screenings/) ---
    # --- Staff overview (/staff/learning/) ---
]
