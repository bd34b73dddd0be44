from django.conf import settings
from rest_framework import serializers

from suppliers.models import Factory

from .models import Category, Channel, ContactMethod, Grievance

LIST_FIELDS = [
    "id",
    "reference",
    "channel",
    "language",
    "status",
    "factory",
    "workplace",
    "country",
    "categories",
    "received_on",
    "ack_due",
    "acknowledged_on",
    "feedback_due",
    "closed_on",
    "assignee",
    "partner",
    "anonymised_at",
]


class GrievanceListSerializer(serializers.ModelSerializer):
    """The list: no description or contact details."""

    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Grievance
        fields = LIST_FIELDS
        read_only_fields = fields


class GrievanceDetailSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Grievance
        fields = [
            *LIST_FIELDS,
            "description",
            "wants_contact",
            "contact_method",
            "contact_details",
            "code_standards",
            "ilo_indicators",
            "referral",
        ]
        read_only_fields = fields


class GrievanceCreateSerializer(serializers.Serializer):
    """A grievance a partner logs for a worker who came to them."""

    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text="`partner_in_person` or `partner_phone`."
    )
    language = serializers.ChoiceField(choices=[code for code, _ in settings.GRIEVANCE_LANGUAGES])
    factory = serializers.PrimaryKeyRelatedField(
        queryset=Factory.objects.active(), required=False, allow_null=True
    )
    workplace = serializers.CharField(max_length=300, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False
    )
    description = serializers.CharField(max_length=20_000)
    wants_contact = serializers.BooleanField(default=False)
    contact_method = serializers.ChoiceField(
        choices=ContactMethod.choices, required=False, allow_blank=True
    )
    contact_details = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate_channel(self, value):
        if value == Channel.WEB:
            raise serializers.ValidationError("Partners log grievances met in person or by phone.")
        return value


class GrievanceCreatedSerializer(GrievanceDetailSerializer):
    receipt_code = serializers.CharField(
        read_only=True,
        help_text="Shown once: give it to the worker. It is not stored and cannot be shown again.",
    )

    class Meta(GrievanceDetailSerializer.Meta):
        fields = [*GrievanceDetailSerializer.Meta.fields, "receipt_code"]
        read_only_fields = fields
