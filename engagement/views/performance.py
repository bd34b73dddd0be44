"""The company performance tracker's pages, by audience:

- affiliates: `/a/<slug>/companies/` (the companies that supply the affiliate) and
  `/a/<slug>/companies/<pk>/` (a company's scores; 404 for a company not supplying it);
- staff: `/staff/companies/performance/` (every company of a quarter, comparable and
  sortable; recompute), `/staff/companies/<pk>/performance/` (one company),
  `/staff/companies/performance/methods/` (the method's versions; publish, withdraw);
- the company: `/company/performance/` (its own scores, a comment form per quarter).

Every page with scores exports them with `?format=csv` or `?format=xlsx`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, JSONField, OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, TemplateView

from affiliates.mixins import AffiliateViewMixin, CompanyRequiredMixin, StaffRequiredMixin
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import ExportMixin as ListExportMixin
from core.exports import fields
from core.views import ListView, show_domain_error
from suppliers.models import Supplier

from ..forms.performance import (
    EXPORT_FORMATS,
    MethodPublishForm,
    QuarterChoiceForm,
    RecomputeForm,
    ScoreCommentForm,
)
from ..models import IndicatorCode, IndicatorResult, QuarterScore, ScoringMethod
from ..quarters import quarter_label
from ..services import performance as rules
from ..services.performance_display import (
    export_response,
    method_texts,
    performance_context,
    scores_for_export,
    translated,
)

# --- Shared -------------------------------------------------------------------------------


def _latest_overall():
    """The overall score of a company's latest scored quarter, and that quarter."""
    latest = QuarterScore.objects.filter(company=OuterRef("pk")).order_by("-quarter_start")
    return {
        "latest_overall": Subquery(latest.values("overall")[:1]),
        "latest_quarter": Subquery(latest.values("quarter_start")[:1]),
    }


def company_export_name(company) -> str:
    """`acme-devices-scores-2026-12-05`: whose scores, and of which day."""
    name = slugify(company.name) or f"company-{company.pk}"
    return f"{name}-scores-{timezone.localdate().isoformat()}"


class ExportMixin:
    """`?format=csv|xlsx` turns a page of scores into a download."""

    def export_format(self) -> str | None:
        fmt = self.request.GET.get("format")
        return fmt if fmt in EXPORT_FORMATS else None


class CompanyScoresMixin(ExportMixin):
    """One company's page of scores, for any audience."""

    template_name = "engagement/performance/company.html"
    context_object_name = "company"
    model = Supplier
    audience = ""

    def get(self, request, *args, **kwargs):
        fmt = self.export_format()
        if fmt is None:
            return super().get(request, *args, **kwargs)
        company = self.get_object()
        scores = scores_for_export(QuarterScore.objects.filter(company=company)).order_by(
            "-quarter_start"
        )
        return export_response(scores, fmt=fmt, filename=company_export_name(company))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(performance_context(self.object), audience=self.audience)
        return context


# --- Affiliates ---------------------------------------------------------------------------


class AffiliateCompanyListView(ListExportMixin, AffiliateViewMixin, ListView):
    export_columns = fields(
        Supplier, "name", "country", "is_brand", "is_contractor", "rba_membership"
    )

    template_name = "engagement/performance/affiliate_companies.html"
    context_object_name = "companies"
    paginate_by = 25
    model = Supplier

    def get_queryset(self):
        return (
            rules.companies_supplying(self.affiliate)
            .annotate(**_latest_overall())
            .order_by("name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for company in context["companies"]:
            company.latest_label = (
                quarter_label(company.latest_quarter) if company.latest_quarter else ""
            )
        return context


class AffiliateCompanyDetailView(AffiliateViewMixin, CompanyScoresMixin, DetailView):
    audience = "affiliate"

    def get_queryset(self):
        return rules.companies_supplying(self.affiliate)


# --- Staff --------------------------------------------------------------------------------

SORTS = {"name": "company__name", "overall": "overall"}

# Each indicator's points of a score by the indicator's code, in one subquery (one per code
# cost more to compile than the page's query): as text, read back as Decimal. Were a code
# held twice, the first result in the results' order (the indicator's position, then the
# result) is kept: jsonb keeps a key's last value, so they are aggregated in reverse.
_POINTS_BY_CODE = RawSQL(
    """SELECT jsonb_object_agg(i.code, r.points::text ORDER BY i.position DESC, r.id DESC)
    FROM engagement_indicatorresult r
    JOIN engagement_methodindicator i ON i.id = r.indicator_id
    WHERE r.score_id = engagement_quarterscore.id""",
    (),
    output_field=JSONField(),
)


class StaffComparisonView(StaffRequiredMixin, ExportMixin, ListView):
    """Every company scored for a quarter, side by side, sortable by any column."""

    template_name = "engagement/performance/staff_comparison.html"
    context_object_name = "scores"
    paginate_by = 50
    model = QuarterScore

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.reader.is_staff):
            return super().dispatch(request, *args, **kwargs)
        quarters = list(
            QuarterScore.objects.order_by("-quarter_start")
            .values_list("quarter_start", flat=True)
            .distinct()
        )
        self.quarter_form = QuarterChoiceForm(
            request.GET if "quarter" in request.GET else None, quarters=quarters
        )
        if self.quarter_form.is_bound and self.quarter_form.is_valid():
            self.quarter = self.quarter_form.cleaned_data["quarter"]
        else:
            self.quarter = quarters[0] if quarters else None
        self.method, self.indicators = (
            ScoringMethod.objects.in_force_with_indicators(self.quarter)
            if self.quarter
            else (None, [])
        )
        self.sort = request.GET.get("sort", "-overall")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        fmt = self.export_format()
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if self.quarter is None:
            raise Http404
        scores = scores_for_export(QuarterScore.objects.filter(quarter_start=self.quarter))
        return export_response(
            scores.order_by("company__name", "pk"),
            fmt=fmt,
            filename=f"scores-{self.quarter.isoformat()}",
        )

    def get_queryset(self):
        if self.quarter is None:
            return QuarterScore.objects.none()
        field = self.sort.lstrip("-")
        column = SORTS.get(field) or (f"points_{field}" if field in IndicatorCode.values else None)
        if column is None:
            column, self.sort = "overall", "-overall"
        scores = (
            QuarterScore.objects.filter(quarter_start=self.quarter)
            .select_related("company")
            .annotate(points_by_code=_POINTS_BY_CODE)
        )
        if column.startswith("points_"):  # sorted by an indicator: its points, for ORDER BY
            scores = scores.annotate(
                **{
                    column: Subquery(
                        IndicatorResult.objects.filter(
                            score=OuterRef("pk"), indicator__code=field
                        ).values("points")[:1]
                    )
                }
            )
        expression = F(column)
        order = (
            expression.desc(nulls_last=True)
            if self.sort.startswith("-")
            else expression.asc(nulls_last=True)
        )
        return scores.order_by(order, "company__name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        indicators = self.indicators
        columns = [("name", _("Company")), ("overall", _("Overall score"))] + [
            (indicator.code, translated(indicator.name)) for indicator in indicators
        ]
        for score in context["scores"]:
            points = score.points_by_code or {}
            score.points_in_order = [
                None if points.get(indicator.code) is None else Decimal(points[indicator.code])
                for indicator in indicators
            ]
        context.update(
            quarter=self.quarter,
            quarter_label=quarter_label(self.quarter) if self.quarter else "",
            quarter_form=self.quarter_form,
            method=self.method,
            columns=[
                {
                    "key": key,
                    "label": label,
                    "sorted": self.sort.lstrip("-") == key,
                    "descending": self.sort.startswith("-"),
                    "next": key if self.sort == f"-{key}" else f"-{key}",
                }
                for key, label in columns
            ],
            recompute_form=RecomputeForm(
                initial={"quarter": self.quarter.isoformat() if self.quarter else None}
            ),
        )
        return context


class StaffRecomputeView(StaffRequiredMixin, TemplateView):
    """Compute a quarter again, in two steps: GET shows what would change, company by company
    (computed without saving), and POST confirms."""

    template_name = "engagement/performance/staff_recompute.html"
    model = QuarterScore
    paginate_by = 50

    def _quarter(self, data):
        form = RecomputeForm(data)
        return form.cleaned_data["quarter"] if form.is_valid() else None

    def get(self, request, *args, **kwargs):
        quarter = self._quarter(request.GET)
        if quarter is None:
            messages.error(request, _("Choose a quarter that has ended."))
            return redirect("engagement:staff_performance")
        try:
            plans = rules.quarter_scores_preview(quarter=quarter, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("engagement:staff_performance")
        return self.render_to_response(self.get_context_data(quarter=quarter, plans=plans))

    def get_context_data(self, *, quarter, plans, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(plans, self.paginate_by).get_page(self.request.GET.get("page"))
        names = dict(
            Supplier.objects.filter(pk__in=[plan.company_id for plan in page]).values_list(
                "pk", "name"
            )
        )
        for plan in page:
            plan.company_name = names.get(plan.company_id, "")
        again = [plan for plan in plans if plan.existing is not None]
        context.update(
            quarter=quarter,
            quarter_label=quarter_label(quarter),
            plans=page,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            again_count=len(again),
            new_count=len(plans) - len(again),
            changed_count=sum(1 for plan in again if plan.changes),
            versions=sorted({plan.method.version for plan in plans}),
            form=RecomputeForm(initial={"quarter": quarter.isoformat()}),
        )
        return context

    def post(self, request, *args, **kwargs):
        quarter = self._quarter(request.POST)
        if quarter is None:
            messages.error(request, _("Choose a quarter that has ended."))
            return redirect("engagement:staff_performance")
        try:
            count = rules.quarter_scores_compute(quarter=quarter, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(quarter)s computed again: %(count)s score, with its own method.",
                    "%(quarter)s computed again: %(count)s scores, each with its own method.",
                    count,
                )
                % {"quarter": quarter_label(quarter), "count": count},
            )
        return redirect(reverse("engagement:staff_performance") + f"?quarter={quarter.isoformat()}")


class StaffCompanyPerformanceView(StaffRequiredMixin, CompanyScoresMixin, DetailView):
    audience = "staff"

    def get_queryset(self):
        return Supplier.objects.all()


class StaffMethodListView(StaffRequiredMixin, TemplateView):
    """The method's versions, newest first, and the form to publish the next one."""

    template_name = "engagement/performance/staff_methods.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        methods = list(ScoringMethod.objects.prefetch_related("indicators").order_by("-version"))
        if not methods:
            methods = [rules.scoring_method_in_force(rules.FIRST_METHOD_FROM)]
        context.update(
            methods=method_texts(methods),
            form=kwargs.get("form") or MethodPublishForm(latest=methods[0]),
        )
        return context

    def post(self, request, *args, **kwargs):
        latest = ScoringMethod.objects.order_by("-version").first() or (
            rules.scoring_method_in_force(rules.FIRST_METHOD_FROM)
        )
        form = MethodPublishForm(request.POST, latest=latest)
        if form.is_valid():
            try:
                method = rules.scoring_method_publish(
                    by=request.user,
                    effective_from=form.cleaned_data["effective_from"],
                    notes=form.cleaned_data["notes"],
                    indicators=form.indicators(),
                )
            except DomainError as error:
                show_domain_error(
                    request,
                    error,
                    form,
                    aliases={code: f"weight_{code}" for code in IndicatorCode.values},
                )
            else:
                messages.success(
                    request,
                    _("Version %(version)s published, in force from %(quarter)s.")
                    % {"version": method.version, "quarter": method.effective_label},
                )
                return redirect("engagement:staff_methods")
        return self.render_to_response(self.get_context_data(form=form))


class StaffMethodWithdrawView(StaffRequiredMixin, ConfirmedActionMixin, View):
    model = ScoringMethod

    def get_method(self) -> ScoringMethod:
        return get_object_or_404(ScoringMethod, pk=self.kwargs["pk"])

    def check(self, request):
        rules.scoring_method_check_withdrawable(self.get_method())

    def get_confirmation(self):
        method = self.get_method()
        names = {"version": method.version, "quarter": method.effective_label}
        return Confirmation(
            title=_("Withdraw version %(version)s of the scoring method?") % names,
            summary=_(
                "Version %(version)s, announced to take effect from %(quarter)s, is deleted "
                "with its indicators and weights; the version in force now keeps scoring the "
                "quarters after it."
            )
            % names,
            rows=[
                (_("Version"), str(method.version)),
                (_("In force from"), method.effective_label),
                (_("Published notes"), method.notes),
            ],
            final=_("To use these weights again, publish a new version."),
            confirm_label=_("Withdraw version %(version)s") % names,
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        method = self.get_method()
        rules.scoring_method_withdraw(method=method, by=request.user)
        return _("Version %(version)s withdrawn.") % {"version": method.version}

    def get_success_url(self):
        return reverse("engagement:staff_methods")


# --- The company --------------------------------------------------------------------------


class CompanyPerformanceView(CompanyRequiredMixin, ExportMixin, TemplateView):
    """The company's own scores, with a comment form under each quarter."""

    template_name = "engagement/performance/company.html"

    def get_company(self) -> Supplier:
        return get_object_or_404(Supplier, pk=self.company_id)

    def get(self, request, *args, **kwargs):
        fmt = self.export_format()
        if fmt is None:
            return super().get(request, *args, **kwargs)
        scores = scores_for_export(QuarterScore.objects.filter(company_id=self.company_id))
        return export_response(
            scores.order_by("-quarter_start"),
            fmt=fmt,
            filename=company_export_name(self.get_company()),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(performance_context(self.get_company()), audience="company")
        bound = kwargs.get("bound_form")
        for quarter in context["quarters"]:
            score = quarter["score"]
            quarter["comment_form"] = (
                bound
                if bound is not None and bound.prefix == f"q{score.pk}"
                else ScoreCommentForm(prefix=f"q{score.pk}")
            )
        return context


class CompanyScoreCommentView(CompanyRequiredMixin, View):
    """POST a comment on one of the company's quarters; another company's score is a 404."""

    http_method_names = ["post"]
    model = QuarterScore

    def post(self, request, *args, **kwargs):
        score = get_object_or_404(QuarterScore, pk=kwargs["pk"], company_id=self.company_id)
        form = ScoreCommentForm(request.POST, prefix=f"q{score.pk}")
        if form.is_valid():
            try:
                rules.score_comment_add(
                    score=score, by=request.user, text=form.cleaned_data["text"]
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _(
                        "Your comment on %(quarter)s is published to affiliates and "
                        "Electronics Watch."
                    )
                    % {"quarter": score.quarter_label},
                )
                return redirect(reverse("engagement:company_performance") + f"#quarter-{score.pk}")
        # Shown again on the page of scores, the comment kept, with what is wrong.
        page = CompanyPerformanceView()
        page.setup(request, *args, **kwargs)
        page.company_id = self.company_id
        return page.render_to_response(page.get_context_data(bound_form=form), status=400)
