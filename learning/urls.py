"""Capacity building: the library under /learn/, events under /learn/events/, peer learning
under /community/, an affiliate's self-assessments and screenings under /a/<affiliate_slug>/,
EW staff's overview under /staff/learning/."""

from django.urls import path

from .views import screening

app_name = "learning"

urlpatterns = [
    # --- Library (/learn/) ---
    # --- Events (/learn/events/) ---
    # --- Community (/community/) ---
    # --- Self-assessment (/a/<slug>/self-assessment/) ---
    # --- Risk screening (/a/<slug>/screenings/) ---
    path(
        "a/<slug:affiliate_slug>/screenings/",
        screening.ScreeningListView.as_view(),
        name="screening_list",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/new/",
        screening.ScreeningCreateView.as_view(),
        name="screening_create",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/",
        screening.ScreeningDetailView.as_view(),
        name="screening_detail",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/edit/",
        screening.ScreeningUpdateView.as_view(),
        name="screening_update",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/save/",
        screening.ScreeningSaveView.as_view(),
        name="screening_save",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/refresh/",
        screening.ScreeningRefreshView.as_view(),
        name="screening_refresh",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/contract/new/",
        screening.ScreeningContractCreateView.as_view(),
        name="screening_contract_create",
    ),
    path(
        "a/<slug:affiliate_slug>/screenings/<int:pk>/contract/link/",
        screening.ScreeningLinkContractView.as_view(),
        name="screening_contract_link",
    ),
    path(
        "staff/country-risk/",
        screening.CountryRiskListView.as_view(),
        name="country_risk_list",
    ),
    path(
        "staff/country-risk/new/",
        screening.CountryRiskCreateView.as_view(),
        name="country_risk_create",
    ),
    path(
        "staff/country-risk/<int:pk>/edit/",
        screening.CountryRiskUpdateView.as_view(),
        name="country_risk_update",
    ),
    path(
        "staff/country-risk/<int:pk>/delete/",
        screening.CountryRiskDeleteView.as_view(),
        name="country_risk_delete",
    ),
    # --- Staff overview (/staff/learning/) ---
]
