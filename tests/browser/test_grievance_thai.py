"""A worker reports in Thai, keeps the receipt code, comes back, reads the reply, answers."""

from playwright.sync_api import expect

from grievances.models import Grievance, GrievanceMessage, Side
from grievances.services import grievance_post_message
from tests.factories import FactoryFactory, StaffFactory

DESCRIPTION = "หัวหน้างานบังคับให้ทำโอทีทุกวันอาทิตย์ ถ้าไม่ทำจะถูกหักเงิน"


def test_a_worker_reports_in_thai_and_follows_up_with_the_code(live_server, page, db):
    FactoryFactory(name="Ayutthaya Precision Electronics", region="Ayutthaya", country="TH")
    page.goto(live_server.url + "/grievances/new/")
    page.get_by_label("Language").select_option("th")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("แจ้งปัญหาที่ทำงาน")
    expect(page.locator("html")).to_have_attribute("lang", "th")

    page.get_by_label("ค้นหาชื่อโรงงาน").fill("Ayutthaya")
    page.get_by_label("Ayutthaya Precision Electronics, Ayutthaya (Thailand)").check()
    page.get_by_label("ทำงานหลายชั่วโมงเกินไปหรือถูกบังคับทำโอที").check()
    page.get_by_label("เล่าให้เราฟังว่าเกิดอะไรขึ้น", exact=True).fill(DESCRIPTION)
    page.get_by_role("button", name="ส่งเรื่องของฉัน").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("ขอบคุณ เราได้รับเรื่องของคุณแล้ว")
    code = page.locator("#receipt-code").inner_text()
    assert len(code) == 24
    assert code not in page.url

    grievance = Grievance.objects.get()
    assert (grievance.language, grievance.factory.name) == ("th", "Ayutthaya Precision Electronics")
    staff = StaffFactory()
    grievance_post_message(
        grievance=grievance,
        body="ขอบคุณที่แจ้ง เกิดขึ้นที่อาคารไหน",
        side=Side.STAFF,
        by=staff,
    )

    worker = page.context.browser.new_context().new_page()  # later, another visit
    worker.goto(live_server.url + "/grievances/follow-up/?lang=th")
    worker.get_by_label("รหัสรับเรื่องของคุณ").fill(code.lower())
    worker.get_by_role("button", name="เปิด").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("เรื่องของคุณ")
    expect(worker.get_by_text("ขอบคุณที่แจ้ง เกิดขึ้นที่อาคารไหน")).to_be_visible()
    expect(worker.get_by_text(DESCRIPTION)).to_be_visible()
    worker.get_by_label("คำตอบของคุณ").fill("อาคาร 2 สายการผลิต 4")
    worker.get_by_role("button", name="ส่งคำตอบของฉัน").click()
    expect(worker.get_by_text("อาคาร 2 สายการผลิต 4")).to_be_visible()
    assert code not in worker.url
    answer = GrievanceMessage.objects.get(side=Side.GRIEVANT)
    assert answer.body == "อาคาร 2 สายการผลิต 4"
