import re

from django.core import mail
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Membership
from suppliers.models import Disclosure, DisclosureLine
from tests.factories import PASSWORD, ContractFactory, DisclosureFactory, member

CSV = (
    "name,address,country,brand,model,tier\n"
    "Brno Server Assembly sro,Technologická 12 627 00 Brno,Czech Republic,"
    "Kestrel Computing,Kestrel Rack R7,1\n"
    "Penang Display Technologies,Plot 12 Bayan Lepas FIZ Penang,malaysia,"
    "Kestrel Computing,KS5 storage,2\n"
)


def test_contractor_fills_in_the_list_through_the_emailed_link(
    live_server, page, southport, tmp_path
):
    officer = member(southport, Membership.Role.OFFICER, email="officer@southport.example")
    disclosure = DisclosureFactory(
        contract=ContractFactory(affiliate=southport, reference="SU-IT-77")
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/a/southport/disclosures/{disclosure.pk}/")
    page.get_by_label("Contractor's e-mail address").fill("compliance@reseller.example")
    page.get_by_role("button", name="E-mail the contractor a link").click()
    expect(page.get_by_text("A link was sent to compliance@reseller.example.")).to_be_visible()
    link = re.search(r"http://\S+/disclose/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("/disclose/", 1)[1]

    contractor = page.context.browser.new_context().new_page()
    contractor.goto(f"{live_server.url}/disclose/{path}")
    expect(contractor.get_by_role("heading", level=1)).to_have_text(
        "Production sites for Southport University"
    )
    upload = tmp_path / "sites.csv"
    upload.write_text(CSV)
    contractor.get_by_label("Disclosure file (CSV or XLSX)").set_input_files(upload)
    contractor.get_by_role("button", name="Upload", exact=True).click()
    expect(contractor.get_by_text("The file was imported: 2 new lines")).to_be_visible()
    contractor.get_by_role("button", name="Submit the list").click()
    expect(contractor.get_by_role("heading", level=1)).to_have_text(
        "Thank you: the list was submitted"
    )
    contractor.goto(f"{live_server.url}/disclose/{path}")
    expect(contractor.get_by_role("heading", level=1)).to_have_text("This link cannot be used")

    with scopes_disabled():
        assert Disclosure.objects.get(pk=disclosure.pk).status == "submitted"
    with scopes_disabled():
        assert DisclosureLine.objects.count() == 2
