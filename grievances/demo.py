"""Demo grievances in several states: one due for acknowledgement in two days, one overdue,
one with a staff reply the worker can read, one logged by the partner, one closed.

Idempotent: each demo grievance is found by its workplace as written; the dates are relative to
today, so the reminders sweep always has one due-soon and one overdue grievance to remind of.
Receipt codes are not stored, so the demo ones cannot be shown: submit the form to get one.
"""

from datetime import timedelta

from django.utils import timezone

from suppliers.matching import normalise_name
from suppliers.models import Factory

from . import services
from .models import Channel, Grievance, Side
from .services import Intake

# (workplace as written, days ago, channel, language, site, description, categories, final state)
GRIEVANCES = [
    (
        "Ayutthaya Precision, Rojana park, building 2",
        5,
        Channel.WEB,
        "th",
        "Ayutthaya Precision Electronics Co., Ltd.",
        "นายหน้าเก็บหนังสือเดินทางของเราไว้ และบอกว่าจะคืนให้เมื่อเราจ่ายค่าหัวคิวครบ เราทำงานวันละ 12 ชั่วโมง",
        ["documents", "fees", "hours"],
        "received",
    ),
    (
        "Penang Display, Bayan Lepas, night shift",
        10,
        Channel.WEB,
        "ms",
        "Penang Display Technologies Sdn. Bhd.",
        "Gaji bulan lepas belum dibayar. Penyelia kata kami akan dibayar bulan depan, "
        "tetapi ramai pekerja perlu menghantar wang ke kampung.",
        ["wages"],
        "received",
    ),
    (
        "Bright Peripheral, Longhua",
        20,
        Channel.WEB,
        "en",
        "Shenzhen Bright Peripheral Factory",
        "In the peak season we are made to work every Sunday. Those who refuse overtime are "
        "told they will lose their bonus or be moved to the night shift.",
        ["hours"],
        "under_review",
    ),
    (
        "Bac Ninh Mobile, Yen Phong park",
        3,
        Channel.PARTNER_IN_PERSON,
        "vi",
        "Bac Ninh Mobile Assembly Co., Ltd.",
        "Công nhân nữ bị nhắc nhở khi đi vệ sinh quá 5 phút và bị trừ điểm thưởng.",
        ["discrimination", "other"],
        "acknowledged",
    ),
    (
        "Brno Server Assembly, Turany",
        120,
        Channel.WEB,
        "cs",
        "Brno Server Assembly s.r.o.",
        "Agentura nám nevydala pracovní smlouvu v jazyce, kterému rozumíme.",
        ["other"],
        "closed",
    ),
]


def seed(*, users=None, partner=None, **context) -> dict:
    staff = users["staff@ewatch.example"]
    partner_user = users["partner@monitor.example"]
    today = timezone.localdate()
    known = set(
        Grievance.objects.filter(workplace__in=[row[0] for row in GRIEVANCES]).values_list(
            "workplace", flat=True
        )
    )
    for key, days_ago, channel, language, site, description, categories, state in GRIEVANCES:
        if key in known:
            continue
        factory = Factory.objects.active().filter(name_key=normalise_name(site)).first()
        logged_by_partner = channel != Channel.WEB
        grievance, _code = services.grievance_submit(
            intake=Intake(
                language=language,
                description=description,
                categories=categories,
                factory=factory,
                workplace=key,
                country=factory.country.code if factory else "",
            ),
            channel=channel,
            partner=partner if logged_by_partner else None,
            by=partner_user if logged_by_partner else None,
            today=today - timedelta(days=days_ago),
        )
        services.grievance_assign(grievance=grievance, assignee=staff, by=staff)
        if state in {"acknowledged", "under_review", "closed"}:
            services.grievance_acknowledge(
                grievance=grievance,
                by=staff,
                message="Thank you for telling us. We have received your report and a member "
                "of our team is looking at it.",
            )
        if state == "under_review":
            services.grievance_start_review(grievance=grievance, by=staff)
            services.grievance_post_message(
                grievance=grievance,
                body="Thank you for telling us. Does this happen in all production lines, "
                "or only in one building?",
                side=Side.STAFF,
                by=staff,
            )
            services.grievance_post_message(
                grievance=grievance, body="Only in building B, line 3 and 4.", side=Side.GRIEVANT
            )
        if state == "closed":
            services.grievance_close(
                grievance=grievance,
                feedback="The agency now gives every worker a contract in their own language. "
                "Tell us if this is not the case for you.",
                by=staff,
            )
    return {}
