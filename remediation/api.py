"""Remediation API, read-only: `/api/v1/cases/`. Who reads what is decided once, here:

- EW staff: every case in full, internal entries, grievances and participants included;
- a monitoring partner's member: the cases its organisation leads, with the plan and the
  entries for partners and affiliates;
- an affiliate member (the affiliate resolved like every tenant API, `?affiliate=<slug>` when
  the user has several): the cases of `RemediationCase.objects.visible_to(reader)`, as a
  summary; the plan and the entries for affiliates only in the cases it has joined;
- anyone else: 404.

The reader is resolved by `monitoring.api.SharedRowsAPIMixin`; the rows come from
`visible_to(reader)` in `remediation.querysets`, the shapes from `remediation.serializers`.
What a reader may not read is not fetched at all: actions, entries and findings are
prefetched through their own `visible_to(reader)`.
"""

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from affiliates.reader import ReaderKind
from core.api import StrictBooleanFilter, audience_schema
from grievances.models import Grievance
from monitoring.api import SharedRowsAPIMixin
from monitoring.models import Finding

from .compensation import payment_record
from .models import CaseStatus, RemediationCase
from .selectors import case_page_rows
from .serializers import (
    AffiliateCaseSerializer,
    AffiliateCaseSummarySerializer,
    AffiliateJoinedCaseSerializer,
    CompensationPaymentSerializer,
    PartnerCaseSerializer,
    PaymentInputSerializer,
    StaffCaseSerializer,
    today_context,
)


class CaseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=CaseStatus.choices)
    factory = filters.NumberFilter(field_name="factory_id", label=_("Id of the factory."))
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_(
            "true: cases with an open action past its due date; false: cases without. An "
            "affiliate filters only the cases it has joined."
        ),
    )

    class Meta:
        model = RemediationCase
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        # `has_overdue_action` is annotated by the viewset, for what the reader may know.
        return queryset.filter(has_overdue_action=value)


@audience_schema(
    "RemediationCaseByAudience",
    [
        StaffCaseSerializer,
        PartnerCaseSerializer,
        AffiliateJoinedCaseSerializer,
        AffiliateCaseSummarySerializer,
    ],
)
class CaseViewSet(SharedRowsAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Remediation cases with their plan and timeline. EW staff read every case in full;
    the lead monitoring partner its organisation's cases, without internal entries or
    grievances; an affiliate the summary of the cases at factories in its supply chain or
    it was invited to, and the plan and the entries for affiliates once it has joined (the
    `RemediationCaseByAudience` variants: staff, partner, joined affiliate, affiliate)."""

    serializer_classes = {
        ReaderKind.STAFF: StaffCaseSerializer,
        ReaderKind.PARTNER: PartnerCaseSerializer,
        ReaderKind.AFFILIATE: AffiliateCaseSerializer,
    }
    queryset = RemediationCase.objects.none()
    filterset_class = CaseFilter

    @cached_property
    def today(self):
        """One date for the response: the overdue flags and the rows read for them."""
        return today_context()["today"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.today}

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        reader = self.reader
        today = self.today
        # What a case shows of its factory, lead partner and users is read with it as plain
        # columns (`<relation>_<field>`, `core.serializers.PlainColumns`), not as model
        # instances joined to each row.
        rows = (
            RemediationCase.objects.visible_to(reader)
            .annotate(factory_name=F("factory__name"))
            .with_action_counts(today)
        )
        # What each kind of reader's shape shows; the rows are the same `visible_to` for all.
        # From the stored `next_due` (remediation/aggregates.py); an affiliate reads the plan,
        # and so whether an action is overdue, only of the cases it joined.
        overdue = Q(next_due__isnull=False, next_due__lt=today)
        if reader.is_affiliate:
            rows = rows.with_participation_of(reader.affiliate)
            overdue &= Q(joined=True)
        else:
            # The linked findings' ids read with the row, as an array (after the LIMIT: a
            # select-list subquery runs for the rows returned only). An affiliate's are read
            # for the cases it joined alone (`case_page_rows`).
            rows = rows.annotate(
                lead_partner_name=F("lead_partner__name"),
                staff_lead_email=F("staff_lead__email"),
            ).with_finding_ids(Finding.objects.visible_to(reader))
        rows = rows.annotate(
            has_overdue_action=ExpressionWrapper(overdue, output_field=BooleanField())
        )
        if reader.is_staff:
            rows = rows.annotate(opened_by_email=F("opened_by__email")).with_grievance_references(
                Grievance.objects.visible_to(reader)
            )
        return rows.order_by("-opened_on", "-pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            case_page_rows(self.reader, page)
        return page

    def get_object(self):
        case = super().get_object()
        case_page_rows(self.reader, [case])
        return case

    @extend_schema(
        methods=["GET"],
        operation_id="case_compensation_payment_list",
        responses={
            200: CompensationPaymentSerializer(many=True),
            404: OpenApiResponse(
                description=_(
                    "Not EW staff or the case's lead partner, or no such case or compensation."
                )
            ),
        },
        description=_(
            "EW staff and the case's lead partner: the payments made to the workers of a "
            "compensation of the case, oldest first. Affiliates read them in the case."
        ),
    )
    @extend_schema(
        methods=["POST"],
        operation_id="case_compensation_payment_create",
        request=PaymentInputSerializer,
        responses={
            201: CompensationPaymentSerializer,
            400: OpenApiResponse(
                description=_(
                    "The payment is refused, nothing recorded: for example it would pay more "
                    "than is owed."
                )
            ),
            404: OpenApiResponse(description=_("Not EW staff, or no such case or compensation.")),
        },
        description=_(
            "EW staff: record a payment made to the workers of a compensation of the case. "
            "Refused when the payments would add up to more than is owed."
        ),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path=r"compensations/(?P<compensation_pk>[0-9]+)/payments",
        pagination_class=None,
        filter_backends=[],
    )
    def payments(self, request, pk=None, compensation_pk=None):
        allowed = self.reader.is_staff or (self.reader.is_partner and request.method == "GET")
        if not allowed:
            raise NotFound
        case = get_object_or_404(RemediationCase.objects.visible_to(self.reader), pk=pk)
        compensation = get_object_or_404(case.compensations.all(), pk=compensation_pk)
        if request.method == "GET":
            return Response(
                CompensationPaymentSerializer(compensation.payments.all(), many=True).data
            )
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = payment_record(compensation=compensation, by=request.user, **data.validated_data)
        return Response(CompensationPaymentSerializer(payment).data, status=status.HTTP_201_CREATED)
