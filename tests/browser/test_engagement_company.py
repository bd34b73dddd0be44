"""Industry engagement end to end in a browser: a brand's contact signs in, answers a finding
with an attachment and updates the action its company owns with evidence; once staff publish
the finding, the procurement officer of an affiliate that joined the case reads the answer
beside the finding and the company's update on the case."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from monitoring.services import report_publish
from tests.browser.steps import png_file, sign_in, without_second_factor
from tests.engagement.replies_setup import TESTIMONY, concerned_brand, share, validated_report
from tests.factories import StaffFactory, company_action, joined_case

ANSWER = "Every passport was returned on 3 March; the receipts are attached."
PROGRESS = "Fees reimbursed to 41 workers; bank transfer records attached."


def test_a_brand_answers_and_reports_progress_and_the_officer_reads_both(
    live_server, page, northvale, northvale_officer
):
    report = validated_report()
    acme, contact = concerned_brand(report)
    staff = StaffFactory()
    (right,) = share(report, [acme], by=staff)
    reply = right.replies.order_by("pk").first()
    action = company_action(
        acme,
        description="Reimburse the recruitment fees",
        due_date=timezone.localdate() + timedelta(days=20),
        case__factory=report.factory,
    )
    joined_case(northvale, action.case)

    with without_second_factor(contact, staff):
        sign_in(page, live_server.url, contact.email)
        page.get_by_role("link", name=reply.finding.standard.label).first.click()
        page.get_by_role("textbox", name="Your answer").fill(ANSWER)
        page.get_by_label("Supporting documents").set_input_files([png_file("receipts.png")])
        page.get_by_role("button", name="Send your answer").click()
        expect(page.get_by_text("Your answer is saved.")).to_be_visible()
        expect(page.get_by_text(TESTIMONY)).to_have_count(0)

        page.get_by_role("link", name="Corrective actions").first.click()
        page.get_by_role("link", name="Reimburse the recruitment fees").click()
        page.get_by_label("Progress made").fill(PROGRESS)
        page.get_by_label("Evidence files").set_input_files([png_file("transfers.png")])
        page.get_by_role("button", name="Post the update").click()
        expect(page.locator("ol.timeline")).to_contain_text("transfers.png")

    # Staff publish the finding: only now may affiliates read the company's answer.
    report_publish(
        report=report,
        by=staff,
        summary="Identity documents were withheld.",
        published_texts={reply.finding_id: "Identity documents were held by the employer."},
    )

    sign_in(page, live_server.url, northvale_officer.email)
    page.goto(f"{live_server.url}/a/northvale/findings/")
    finding = page.locator(f"#finding-{reply.finding_id}").locator("xpath=..")
    expect(finding).to_contain_text("Identity documents were held by the employer.")
    expect(finding).to_contain_text(ANSWER)
    expect(finding).to_contain_text("Acme Devices")
    expect(page.get_by_text(TESTIMONY)).to_have_count(0)

    page.goto(live_server.url + action.case.get_affiliate_url("northvale"))
    expect(page.locator(f"#action-{action.pk}")).to_contain_text(PROGRESS)
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Acme Devices")
