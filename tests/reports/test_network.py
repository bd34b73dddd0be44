"""`seed_demo --scale N`: a network's data for the generated affiliates (reports/network.py)."""

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from affiliates.models import Affiliate, User
from core.models import ExchangeRate
from engagement.models import RbaReferral
from grievances.models import Grievance
from grievances.services import grievance_open_with_code
from learning.models import (
    Bookmark,
    Registration,
    Resource,
    ResourceLanguage,
    ResourceUse,
    ResourceVersion,
    Screening,
)
from monitoring.models import (
    CohortFee,
    Finding,
    FindingReply,
    MigrantCohort,
    MonitoringReport,
    RightOfReply,
)
from remediation.models import (
    CaseUpdate,
    Compensation,
    Engagement,
    Participation,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
)
from reports.network import gather_statistics
from suppliers.models import (
    ChecklistItem,
    Contract,
    Disclosure,
    DisclosureLine,
    Factory,
    Supplier,
    SupplyChainLink,
)
from tests.factories import TENANT_FACTORIES
from tests.platform.test_isolation import _fill, _request, _routes

pytestmark = [pytest.mark.django_db, pytest.mark.long]

SCALE = 3  # 1% of the 300-affiliate network


def _near(value, expected, tolerance=0.15):
    return abs(value - expected) <= expected * tolerance


def test_seed_demo_scale_makes_a_network_once_and_keeps_its_tenants_apart(client):
    # One network for every check: generating it takes seconds.
    out = io.StringIO()
    call_command("seed_demo", scale=SCALE, stdout=out)
    # As the owner does outside a test: without statistics on the rows just written in this
    # transaction, the checks' and pages' queries plan as if the tables were nearly empty
    # (nested loops over thousands of rows, minutes each).
    gather_statistics()
    _every_kind_of_row_in_the_network_s_proportions(out.getvalue())
    _every_area_has_rows()
    _a_generated_affiliate_sees_none_of_another_s_rows(client)
    _the_isolation_walker_finds_no_leak_between_generated_affiliates(client)
    _a_second_run_generates_nothing()


def _every_area_has_rows():
    with scopes_disabled():
        generated = Affiliate.objects.filter(slug__startswith="gen-")
        cases = RemediationCase.objects.filter(summary__startswith="Workers' rights were breached;")
        assert Engagement.objects.filter(affiliate__in=generated).count() > cases.count() / 2
        assert RbaReferral.objects.filter(case__in=cases).exists()
        assert ResponsibleCompany.objects.filter(case__in=cases).count() == cases.count()
        assert CaseUpdate.objects.filter(case__in=cases).count() == cases.count()
        linked = RemediationCase.findings.through.objects.filter(remediationcase__in=cases)
        assert linked.count() >= cases.count()
        # A case's findings are published findings at its factory.
        pairs = linked.values_list(
            "remediationcase__factory", "finding__report__factory", "finding__published_at"
        )
        assert all(case == site and at for case, site, at in pairs[:300])
        findings = Finding.objects.filter(report__created_by__email="partner@monitor.example")
        assert findings.filter(sub_standard__isnull=False).count() > findings.count() / 3
        assert (
            not findings.exclude(sub_standard=None)
            .exclude(sub_standard__standard=F("standard"))
            .exists()
        )
        assert FindingReply.objects.filter(finding__in=findings).exclude(answer="").exists()
        assert RightOfReply.objects.filter(report__findings__in=findings).exists()
        assert Screening.objects.filter(affiliate__in=generated).exists()
        assert Registration.objects.filter(user__email__endswith="gen-00001.example").exists()
        assert ExchangeRate.objects.filter(currency="USD").count() > 400
        _a_library_in_several_languages(generated)
        # Web grievances carry a receipt: `<lookup>-EW00-EW00-EW00-EW00` opens one.
        grievance = Grievance.objects.filter(reference__startswith="GR-N", channel="web").first()
        code = f"{grievance.receipt_lookup}-EW00-EW00-EW00-EW00"
        assert grievance_open_with_code(code) == grievance


def _a_library_in_several_languages(generated):
    """EW's guidance and its translations: every language, later versions, a few drafts and
    national versions without English; searchable; bookmarked and used by the affiliates."""
    generated_resources = Resource.objects.filter(versions__title__regex=r" [0-9]+")
    assert generated_resources.distinct().count() >= 60
    versions = ResourceVersion.objects.filter(resource__in=generated_resources)
    assert set(versions.values_list("language", flat=True)) == set(ResourceLanguage.values)
    assert versions.filter(number=2).exists()
    assert not versions.filter(search_vector__isnull=True).exists()
    assert generated_resources.filter(status="draft").exists()
    assert generated_resources.exclude(versions__language="en").exists()
    assert generated_resources.exclude(countries="").exists()
    bookmarks = Bookmark.objects.filter(user__email__contains="@gen-")
    assert bookmarks.exists()
    assert not bookmarks.exclude(resource__status="published").exists()
    assert ResourceUse.objects.filter(affiliate__in=generated).exists()


def _generated_rows(reader: str, other: str) -> dict:
    """Rows of every tenant-owned model the generator makes: each affiliate's own, and of the
    shared ones (findings, reports, cases) those that `other` reads and `reader` does not."""
    rows = {}
    with scopes_disabled():
        affiliates = {slug: Affiliate.objects.get(slug=slug) for slug in (reader, other)}
        for slug, affiliate in affiliates.items():
            rows[(Affiliate, slug)] = affiliate
            for model in TENANT_FACTORIES:
                if any(f.name == "affiliate" for f in model._meta.concrete_fields):
                    row = model.objects.filter(affiliate=affiliate).order_by("pk").first()
                    if row is not None:
                        rows[(model, slug)] = row

        def chain(slug):
            links = SupplyChainLink.objects.filter(affiliate=affiliates[slug])
            return set(links.values_list("factory", flat=True))

        only_other = chain(other) - chain(reader)
        finding = (
            Finding.objects.filter(published_at__isnull=False, report__factory__in=only_other)
            .order_by("pk")
            .first()
        )
        if finding is not None:
            rows[(Finding, other)] = finding
            rows[(MonitoringReport, other)] = finding.report
        case = (
            RemediationCase.objects.filter(participations__affiliate=affiliates[other])
            .exclude(participations__affiliate=affiliates[reader])
            .exclude(factory__in=chain(reader))
            .order_by("pk")
            .first()
        )
        if case is not None:
            rows[(RemediationCase, other)] = case
    return rows


def _the_isolation_walker_finds_no_leak_between_generated_affiliates(client):
    """tests/platform/test_isolation.py's checks, on generated affiliates and their rows."""
    reader, other = "gen-00001", "gen-00002"
    rows = _generated_rows(reader, other)
    failures = []
    # Every page of an affiliate is 404 for a member of another.
    client.force_login(User.objects.get(email=f"admin@{other}.example"))
    routes = _routes(lambda r: "affiliate_slug" in r.args)
    for route in routes:
        url = _fill(route, rows, reader, reader)
        for method in {"GET", *route.methods}:
            if (status := _request(client, method, url).status_code) != 404:
                failures.append(f"{method} {url} -> {status}")
    # Under its own slug, another affiliate's rows are 404, in pages and API details.
    client.force_login(User.objects.get(email=f"admin@{reader}.example"))
    shared = _routes(lambda r: len(r.args) > 1 and "affiliate_slug" in r.args)
    details = _routes(lambda r: r.is_api and r.args)
    for route in [r for r in shared + details if (r.model, other) in rows]:
        url = _fill(route, rows, other, reader)
        for method in {"GET", *route.methods} - {"POST"}:
            allowed = {404, 405} if method == "GET" and "GET" not in route.methods else {404}
            if (status := _request(client, method, url).status_code) not in allowed:
                failures.append(f"{method} {url} -> {status}")
    # API lists hold the reader's rows only.
    lists = _routes(lambda r: r.is_api and not r.args and (r.model, other) in rows)
    for route in lists:
        if route.model is Affiliate:
            continue
        response = client.get(route.url())
        assert response.status_code == 200, route.template
        body = response.json()
        returned = {
            item.get("id") for item in (body["results"] if isinstance(body, dict) else body)
        }
        if rows[(route.model, other)].pk in returned:
            failures.append(f"{route.template} lists {other}'s {route.model.__name__}")
    assert len(routes) >= 6 and len(lists) >= 2
    assert {Finding, RemediationCase, Contract, Disclosure} <= {
        m for m, slug in rows if slug == other
    }
    assert failures == []


def _every_kind_of_row_in_the_network_s_proportions(network):
    assert re.search(r"Generated: \d+ affiliates, 200 suppliers, 1,000 factories, ", network)
    library = r", 60 library resources, \d+ resource topics, [0-9,]+ resource versions, "
    assert re.search(library + r"[0-9,]+ bookmarks, [0-9,]+ resource uses", network)
    with scopes_disabled():
        generated = Affiliate.objects.filter(slug__startswith="gen-")
        contracts = Contract.objects.filter(affiliate__in=generated)
        disclosures = Disclosure.objects.filter(affiliate__in=generated)
        lines = DisclosureLine.objects.filter(affiliate__in=generated)
        assert _near(contracts.count(), 500, 0.02)
        assert disclosures.count() == contracts.count()
        with_conditions = contracts.exclude(ew_conditions_version="").count()
        assert contracts.count() * 0.8 < with_conditions < contracts.count()
        assert ChecklistItem.objects.filter(affiliate__in=generated).count() == with_conditions * 10
        assert lines.count() == 2430
        states = dict(disclosures.values_list("status").annotate(n=Count("pk")))
        assert states["accepted"] > 0.7 * contracts.count()
        assert states["submitted"] and states["requested"] and states["returned"]
        overdue = [d for d in disclosures.filter(status="requested") if d.is_overdue]
        assert 0 < len(overdue) < states["requested"]
        # A few large buyers, many small ones.
        sizes = sorted(
            contracts.values("affiliate").annotate(n=Count("pk")).values_list("n", flat=True)
        )
        assert sizes[-1] > 2.5 * sizes[0]
        # Valid relations: each line's affiliate is its disclosure's, its site is in the registry.
        assert not lines.exclude(affiliate=F("disclosure__affiliate")).exists()
        assert not lines.filter(factory__isnull=True).exists()
        assert not disclosures.exclude(affiliate=F("contract__affiliate")).exists()
        # Shared factories: the most popular one is in every buyer's chain, most in one or two.
        pairs = SupplyChainLink.objects.filter(affiliate__in=generated).values_list(
            "factory", "affiliate"
        )
        chains = Counter(factory for factory, _affiliate in set(pairs))
        assert max(chains.values()) == SCALE
        assert sum(1 for n in chains.values() if n <= 2) > len(chains) / 2
    assert Factory.objects.count() >= 1000 and Supplier.objects.count() >= 200
    site = Factory.objects.filter(name__endswith="Co., Ltd.", country="CN").first()
    assert site.address.startswith("No. ") and site.address.endswith(site.region)
    assert site.latitude is not None and abs(float(site.latitude) - 30) < 10

    reports = MonitoringReport.objects.filter(created_by__email="partner@monitor.example")
    assert _near(reports.filter(published_at__isnull=False).count(), 900, 0.1)
    assert reports.exclude(status="published").exists()
    findings = Finding.objects.filter(report__in=reports)
    assert _near(findings.count(), 4980)
    published = findings.filter(published_at__isnull=False)
    assert published.count() > 0.75 * findings.count()
    assert not published.filter(report__published_at__isnull=True).exists()
    assert not published.filter(published_text="").exists()
    assert findings.exclude(child_labour=[]).exists()
    assert findings.exclude(trafficking_acts=[]).exists()
    assert findings.exclude(ilo_indicators=[]).count() > findings.count() / 4
    assert MigrantCohort.objects.filter(report__in=reports).exists()
    assert CohortFee.objects.filter(cohort__report__in=reports).exists()
    assert MigrantCohort.findings.through.objects.filter(finding__in=findings).exists()

    cases = RemediationCase.objects.filter(summary__startswith="Workers' rights were breached;")
    assert _near(cases.count(), 500, 0.02)
    actions = RemediationAction.objects.filter(case__in=cases)
    assert _near(actions.count(), 2760)
    assert actions.filter(status="planned", due_date__lt=timezone.localdate()).exists()  # overdue
    assert Compensation.objects.filter(case__in=cases).exists()
    with scopes_disabled():
        participations = Participation.objects.filter(case__in=cases)
        assert participations.count() > cases.count() / 2
        # A buyer takes part in a case at a site of its supply chain.
        for p in participations.select_related("case")[:50]:
            assert SupplyChainLink.objects.filter(
                affiliate=p.affiliate_id, factory=p.case.factory_id
            ).exists()
    grievances = Grievance.objects.filter(reference__startswith="GR-N")
    assert grievances.count() == 200
    assert grievances.first().description  # decrypted as the model stores it


def _a_second_run_generates_nothing():
    with scopes_disabled():
        before = (Contract.objects.count(), DisclosureLine.objects.count(), Finding.objects.count())
        out = io.StringIO()
        call_command("seed_demo", scale=SCALE, stdout=out)
        assert "nothing generated" in out.getvalue()
        assert before == (
            Contract.objects.count(),
            DisclosureLine.objects.count(),
            Finding.objects.count(),
        )


def _a_generated_affiliate_sees_none_of_another_s_rows(client):
    first, second = Affiliate.objects.filter(slug__in=["gen-00001", "gen-00002"]).order_by("slug")
    with scope(affiliate=second):
        assert set(Contract.objects.values_list("affiliate", flat=True)) == {second.pk}
        assert set(Disclosure.objects.values_list("affiliate", flat=True)) == {second.pk}
    with scopes_disabled():
        contract = Contract.objects.filter(affiliate=first).first()
        disclosure = Disclosure.objects.filter(affiliate=first).first()
    client.force_login(User.objects.get(email="officer@gen-00002.example"))
    own = client.get(reverse("suppliers:contract_list", args=[second.slug]))
    assert own.status_code == 200
    assert contract.reference not in own.content.decode()
    for name, pk in (("contract_detail", contract.pk), ("disclosure_detail", disclosure.pk)):
        assert client.get(reverse(f"suppliers:{name}", args=[second.slug, pk])).status_code == 404
    assert client.get(reverse("suppliers:contract_list", args=[first.slug])).status_code in {
        403,
        404,
    }
