"""The engagement demo: fictional companies only, the brand and the contractor every part of
the demo builds on, and their contacts' logins."""

import re

import pytest
from django.test import override_settings
from django_scopes import scopes_disabled

from affiliates.demo_accounts import DEMO_LOGINS, DEMO_PASSWORD
from monitoring.models import Finding
from remediation.models import ResponsibleCompany
from suppliers.models import Contract, Disclosure, DisclosureLine, Factory, Supplier

pytestmark = pytest.mark.django_db

# Real brands, manufacturers, contractors and resellers of ICT hardware, and product lines that
# name them: none may appear in the demo data.
REAL_NAMES = [
    "Lenovo", "Logitech", "HP", "Hewlett", "Dell", "Apple", "Acer", "Asus", "Samsung",
    "Microsoft", "Foxconn", "Hon Hai", "Pegatron", "Quanta", "Wistron", "Compal", "Inventec",
    "Flex", "Flextronics", "Jabil", "Cal-Comp", "Cisco", "Brother", "Canon", "Epson", "Ricoh",
    "Xerox", "Sony", "Huawei", "Xiaomi", "Atea", "CDW", "Insight", "Misco", "Computacenter",
    "Bechtle", "Softcat", "XMA", "Dustin", "Fujitsu", "Toshiba", "Kyocera", "Lexmark",
    "Panasonic", "LG", "Intel", "Google", "Amazon", "Luxshare", "Celestica", "Sanmina",
    "Fairphone", "ThinkPad", "ThinkVision", "PowerEdge", "Latitude", "OptiPlex", "EliteBook",
    "MacBook", "iPhone", "iPad", "Galaxy",
]  # fmt: skip
REAL = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, REAL_NAMES)) + r")(?![\w-])", re.I)


@pytest.fixture
def demo(demo_data, db):
    """The demo, seeded once for the module's tests (`demo_data`, tests/conftest.py)."""


def _real_names_in(values) -> set[str]:
    return {value for value in values if value and REAL.search(value)}


def test_the_denylist_catches_real_names():
    assert _real_names_in(["Lenovo", "dell inc.", "Acme Devices", "Flexible Circuits Ltd"]) == {
        "Lenovo",
        "dell inc.",
    }


def test_the_demo_names_no_real_company_or_product(demo):
    with scopes_disabled():
        names = [
            *Supplier.objects.values_list("name", flat=True),
            *Supplier.objects.values_list("legal_name", flat=True),
            *(a for aliases in Supplier.objects.values_list("aliases", flat=True) for a in aliases),
            *Factory.objects.values_list("name", flat=True),
            *Factory.objects.values_list("address", flat=True),
            *Contract.objects.values_list("brands", flat=True),
            *Contract.objects.values_list("product_models", flat=True),
            *Contract.objects.values_list("contractor__name", flat=True),
            *DisclosureLine.objects.values_list("brand", flat=True),
            *DisclosureLine.objects.values_list("product_model", flat=True),
            *DisclosureLine.objects.values_list("site_name", flat=True),
            *DisclosureLine.objects.values_list("address", flat=True),
        ]
    assert "Acme Devices" in names
    assert _real_names_in(names) == set()


def test_acme_devices_is_a_brand_concerned_by_findings(demo):
    acme = Supplier.objects.get(name="Acme Devices")
    assert acme.is_brand
    with scopes_disabled():
        lines = DisclosureLine.objects.filter(
            brand="Acme Devices", disclosure__status=Disclosure.Status.ACCEPTED
        )
        factories = set(lines.values_list("factory", flat=True))
    published = Finding.objects.filter(
        report__factory__in=factories, published_at__isnull=False
    ).values_list("report__factory", flat=True)
    assert published
    # The accepted disclosure links the brand to the factory with findings.
    assert acme.factory_links.filter(factory__in=published).exists()
    assert ResponsibleCompany.objects.filter(supplier=acme, role="brand").exists()


def test_northern_it_holds_a_contract_of_each_demo_affiliate_with_open_and_accepted_lists(demo):
    northern = Supplier.objects.get(name="Northern IT")
    assert northern.is_contractor
    with scopes_disabled():
        disclosures = list(
            Disclosure.objects.filter(contract__contractor=northern).select_related("affiliate")
        )
    assert {d.affiliate.slug for d in disclosures} == {"northvale", "southport"}
    statuses = {d.status for d in disclosures}
    assert {Disclosure.Status.ACCEPTED, Disclosure.Status.REQUESTED} <= statuses
    (open_request,) = [d for d in disclosures if d.status == Disclosure.Status.REQUESTED]
    assert open_request.contractor_email == "contractor@northern-it.example"


@pytest.mark.parametrize(
    ("email", "company"),
    [
        ("brand@acme-devices.example", "Acme Devices"),
        ("contractor@northern-it.example", "Northern IT"),
    ],
)
def test_the_demo_company_contacts_sign_in_to_the_portal(demo, client, email, company):
    assert email in dict(DEMO_LOGINS)
    # Demo mode: no second factor is enforced, as for the partner's demo account.
    with override_settings(EW_MFA_REQUIRED=False, DEMO_MODE=True):
        assert client.login(email=email, password=DEMO_PASSWORD)
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == "/company/"
        assert response.status_code == 200
        assert company in response.content.decode()
    # Outside demo mode the contact must enrol in two-factor authentication first.
    response = client.get("/company/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"
