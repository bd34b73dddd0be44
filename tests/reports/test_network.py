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
from grievances.models import Grievance
from monitoring.models import CohortFee, Finding, MigrantCohort, MonitoringReport
from remediation.models import Compensation, Participation, RemediationAction, RemediationCase
from suppliers.models import (
    ChecklistItem,
    Contract,
    Disclosure,
    DisclosureLine,
    Factory,
    Supplier,
    SupplyChainLink,
)

pytestmark = pytest.mark.django_db

SCALE = 3  # 1% of the 300-affiliate network


def _near(value, expected, tolerance=0.15):
    return abs(value - expected) <= expected * tolerance


def test_seed_demo_scale_makes_a_network_once_and_keeps_its_tenants_apart(client):
    # One network for every check: generating it takes seconds.
    out = io.StringIO()
    call_command("seed_demo", scale=SCALE, stdout=out)
    _every_kind_of_row_in_the_network_s_proportions(out.getvalue())
    _a_generated_affiliate_sees_none_of_another_s_rows(client)
    _a_second_run_generates_nothing()


def _every_kind_of_row_in_the_network_s_proportions(network):
    assert re.search(r"Generated: \d+ affiliates, 200 suppliers, 1,000 factories, ", network)
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
