from rest_framework import serializers

from .models import Affiliate, Membership


class AffiliateSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Affiliate
        fields = ["slug", "name", "country", "affiliate_type", "affiliated_on", "role"]
        read_only_fields = fields

    def get_role(self, affiliate) -> str:
        return self.context["roles"].get(affiliate.pk, "")


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields
