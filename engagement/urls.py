"""Industry engagement: the company portal under /company/, staff's pages under
/staff/engagement/, the performance tracker for affiliates under /a/<affiliate_slug>/companies/."""

from django.urls import path

from .views import dialogue, dialogue_portal, organisations, portal, referrals

app_name = "engagement"

urlpatterns = [
    # --- Company portal (/company/) ---
    path("company/", portal.CompanyHomeView.as_view(), name="company_home"),
    # --- RBA referrals (staff) ---
    path("staff/referrals/", referrals.ReferralListView.as_view(), name="referral_list"),
    path(
        "staff/referrals/new/<int:case_pk>/",
        referrals.ReferralCreateView.as_view(),
        name="referral_create",
    ),
    path(
        "staff/referrals/<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral_detail"
    ),
    path(
        "staff/referrals/<int:pk>/edit/", referrals.ReferralEditView.as_view(), name="referral_edit"
    ),
    path(
        "staff/referrals/<int:pk>/response/",
        referrals.ReferralResponseView.as_view(),
        name="referral_response",
    ),
    path(
        "staff/referrals/<int:pk>/close/",
        referrals.ReferralCloseView.as_view(),
        name="referral_close",
    ),
    # --- Multi-stakeholder dialogue (staff; participants under /a/<slug>/ and /company/) ---
    path("staff/dialogues/", dialogue.DialogueListView.as_view(), name="dialogue_list"),
    path("staff/dialogues/new/", dialogue.DialogueCreateView.as_view(), name="dialogue_create"),
    path(
        "staff/dialogues/<int:pk>/", dialogue.DialogueDetailView.as_view(), name="dialogue_detail"
    ),
    path(
        "staff/dialogues/<int:pk>/edit/", dialogue.DialogueEditView.as_view(), name="dialogue_edit"
    ),
    path(
        "staff/dialogues/<int:pk>/meetings/new/",
        dialogue.MeetingSaveView.as_view(),
        name="meeting_create",
    ),
    path(
        "staff/dialogues/<int:pk>/meetings/<int:meeting_pk>/",
        dialogue.MeetingSaveView.as_view(),
        name="meeting_edit",
    ),
    path(
        "staff/dialogues/<int:pk>/participants/",
        dialogue.ParticipantAddView.as_view(),
        name="participant_add",
    ),
    path(
        "staff/dialogues/<int:pk>/participants/<int:participant_pk>/remove/",
        dialogue.ParticipantRemoveView.as_view(),
        name="participant_remove",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/new/",
        dialogue.CommitmentSaveView.as_view(),
        name="commitment_create",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/<int:commitment_pk>/",
        dialogue.CommitmentSaveView.as_view(),
        name="commitment_edit",
    ),
    path(
        "staff/dialogues/<int:pk>/commitments/<int:commitment_pk>/status/",
        dialogue.CommitmentStatusView.as_view(),
        name="commitment_status",
    ),
    path(
        "staff/organisations/",
        organisations.OrganisationListView.as_view(),
        name="organisation_list",
    ),
    path(
        "staff/organisations/new/",
        organisations.OrganisationSaveView.as_view(),
        name="organisation_create",
    ),
    path(
        "staff/organisations/<int:pk>/",
        organisations.OrganisationSaveView.as_view(),
        name="organisation_edit",
    ),
    path(
        "a/<slug:affiliate_slug>/dialogues/",
        dialogue_portal.AffiliateDialogueListView.as_view(),
        name="affiliate_dialogues",
    ),
    path(
        "a/<slug:affiliate_slug>/dialogues/<int:pk>/",
        dialogue_portal.AffiliateDialogueDetailView.as_view(),
        name="affiliate_dialogue",
    ),
    path(
        "company/dialogues/",
        dialogue_portal.CompanyDialogueListView.as_view(),
        name="company_dialogues",
    ),
    path(
        "company/dialogues/<int:pk>/",
        dialogue_portal.CompanyDialogueDetailView.as_view(),
        name="company_dialogue",
    ),
]
