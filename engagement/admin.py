"""The admin site for industry engagement; staff work through the platform's own pages first."""

from django.contrib import admin

from .models import Commitment, Dialogue, DialogueMeeting, Organisation, Participant, RbaReferral

# --- RBA referrals and multi-stakeholder dialogue ---


@admin.register(RbaReferral)
class RbaReferralAdmin(admin.ModelAdmin):
    list_display = ["reference", "case", "referred_on", "response_due", "status", "outcome"]
    list_filter = ["status", "outcome"]
    raw_id_fields = ["case", "referred_by"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    raw_id_fields = ["factories", "credited_cases", "credited_grievances"]


class MeetingInline(admin.StackedInline):
    model = DialogueMeeting
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["affiliate", "company", "partner", "organisation"]


@admin.register(Dialogue)
class DialogueAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "case", "created_at"]
    search_fields = ["title"]
    raw_id_fields = ["case", "companies", "created_by"]
    inlines = [MeetingInline, ParticipantInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dialogue", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["dialogue", "owner", "created_by"]
