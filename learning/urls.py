"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path  # noqa: F401

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    # --- Events (/learn/events/) ---
    # --- Community (/community/) ---
    # --- Self-assessment (/a/<slug>/self-assessment/) ---
    # --- Risk screening (/a/<slug>/screenings/) ---
    # --- Staff overview (/staff/learning/) ---
]
