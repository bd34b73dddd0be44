from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Membership
from suppliers.models import Disclosure, DisclosureLine, Factory
from tests.factories import PASSWORD, ContractFactory, DisclosureFactory, member

HEADER = "site_name,address,country,brand,product_model,tier\n"
GOOD = (
    "Ayutthaya Precision Electronics Co. Ltd,88 Rojana Industrial Park Ayutthaya,Thailand,"
    "Acme Devices,AcmeBook T14,1\n"
    "Penang Display Technologies,Plot 12 Bayan Lepas FIZ Penang,MY,Acme Devices,AcmeView T24,1\n"
)
SHENZHEN = "Shenzhen Bright Peripheral Factory,3 Industrial Road Shenzhen"
BAD_ROW = f"{SHENZHEN},Atlantis,Borealis Peripherals,KB-20,2\n"
FIXED_ROW = f"{SHENZHEN},CN,Borealis Peripherals,KB-20,2\n"


def test_officer_fixes_a_rejected_file_and_accepts_the_disclosure(
    live_server, page, northvale, tmp_path
):
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    disclosure = DisclosureFactory(
        contract=ContractFactory(affiliate=northvale, reference="NV-ICT-9")
    )
    bad = tmp_path / "sites.csv"
    bad.write_text(HEADER + GOOD + BAD_ROW)
    fixed = tmp_path / "sites-fixed.csv"
    fixed.write_text(HEADER + GOOD + FIXED_ROW)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Disclosures").click()
    page.get_by_role("link", name="NV-ICT-9").click()

    page.get_by_label("Disclosure file (CSV or XLSX)").set_input_files(bad)
    page.get_by_role("button", name="Upload", exact=True).click()
    alert = page.get_by_role("alert").filter(has_text="The file was not imported")
    expect(alert).to_be_visible()
    row = alert.get_by_role("row").filter(has_text="Atlantis")
    expect(row.get_by_role("cell").nth(0)).to_have_text("4")
    expect(row.get_by_role("cell").nth(1)).to_have_text("country")
    with scopes_disabled():
        assert DisclosureLine.objects.count() == 0

    page.get_by_label("Disclosure file (CSV or XLSX)").set_input_files(fixed)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("The file was imported: 3 new lines")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Shenzhen Bright Peripheral Factory", exact=True)
    ).to_be_visible()

    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.get_by_text("The disclosure was submitted.")).to_be_visible()
    page.get_by_role("button", name="Accept the disclosure").click()
    expect(page.get_by_text("The disclosure was accepted.")).to_be_visible()
    with scopes_disabled():
        assert Disclosure.objects.get(pk=disclosure.pk).status == "accepted"
    assert Factory.objects.count() == 3
