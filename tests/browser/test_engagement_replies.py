"""The right of reply in a browser: a brand's contact answers a finding with a file, staff
read the answer on the report page; axe finds no WCAG violation on the company's pages and
the staff section, in English and French."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import png_file, sign_in, violations, without_second_factor
from tests.engagement.replies_setup import concerned_brand, share, validated_report
from tests.factories import StaffFactory


def test_a_brand_contact_answers_with_a_file_and_staff_read_the_answer(live_server, page, db):
    report = validated_report()
    brand, contact = concerned_brand(report)
    staff = StaffFactory()
    (right,) = share(report, [brand], by=staff)
    reply = right.replies.order_by("pk").first()

    with without_second_factor(contact, staff):
        sign_in(page, live_server.url, contact.email)
        page.goto(live_server.url + "/company/findings/")
        page.get_by_role("link", name=reply.finding.standard.label).first.click()
        expect(page.get_by_role("heading", name="The finding")).to_be_visible()
        page.get_by_role("textbox", name="Your answer").fill(
            "The passports were returned on 3 March."
        )
        page.get_by_label("Supporting documents").set_input_files([png_file("receipt.png", "blue")])
        page.get_by_role("button", name="Send your answer").click()
        expect(page.get_by_text("Your answer is saved.")).to_be_visible()
        expect(page.get_by_role("link", name="receipt.png")).to_be_visible()

        sign_in(page, live_server.url, staff.email)
        page.goto(f"{live_server.url}/staff/reports/{report.pk}/")
        expect(page.get_by_text("The passports were returned on 3 March.")).to_be_visible()
        expect(page.get_by_role("link", name="receipt.png")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_right_of_reply_pages_have_no_wcag_violation(live_server, page, db, language):
    report = validated_report()
    brand, contact = concerned_brand(report, language=language)
    concerned_brand(report, "Second Brand")  # not yet asked: the share form shows
    staff = StaffFactory(language=language)
    (right,) = share(report, [brand], by=staff)
    reply = right.replies.order_by("pk").first()
    found = []
    with without_second_factor(contact, staff):
        sign_in(page, live_server.url, contact.email)
        for path in ("/company/findings/", f"/company/findings/{reply.pk}/"):
            found += violations(page, live_server.url + path)
        sign_in(page, live_server.url, staff.email)
        found += violations(page, f"{live_server.url}/staff/reports/{report.pk}/")
    assert found == []
