"""What industry engagement adds to the pages of lower apps (`core.panels`): a case's RBA
referral, dialogues and credited workers' organisations; a grievance's credited
organisations; a company's commitments. Each provider reads through `visible_to(reader)`
and returns None when the reader has nothing to see."""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from core import panels
from remediation.models import CaseStatus

from .models import Commitment, Dialogue, Organisation, Participant, QuarterScore, RbaReferral
from .services.referrals import rba_members_of
from .services.replies import awaiting_answer


def _reader(request):
    return getattr(request, "reader", None)


def case_referral_staff(request, case) -> str | None:
    reader = _reader(request)
    if reader is None or not reader.is_staff:
        return None
    referrals = list(case.rba_referrals.select_related("referred_by"))
    members = rba_members_of(case)
    can_refer = (
        bool(members)
        and case.status != CaseStatus.CLOSED
        and not any(r.status != RbaReferral.Status.CLOSED for r in referrals)
    )
    return render_to_string(
        "engagement/panels/case_referral_staff.html",
        {
            "case": case,
            "referrals": referrals,
            "members": members,
            "can_refer": can_refer,
            "today": timezone.localdate(),
        },
        request=request,
    )


def case_referral_state(request, case) -> str | None:
    """The lead partner and the joined affiliates: the state only, never what was shared."""
    reader = _reader(request)
    if reader is None:
        return None
    referrals = list(
        RbaReferral.objects.visible_to(reader)
        .filter(case=case)
        .only("pk", "case_id", *RbaReferral.STATE_FIELDS)
    )
    if not referrals:
        return None
    return render_to_string(
        "engagement/panels/case_referral_state.html",
        {"referrals": referrals, "today": timezone.localdate()},
        request=request,
    )


def _dialogues(reader, **filters):
    return list(
        Dialogue.objects.visible_to(reader)
        .filter(**filters)
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related(
                    "owner__affiliate", "owner__company", "owner__partner", "owner__organisation"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )


def case_dialogues(request, case) -> str | None:
    """Dialogues linked to the case and their commitments, for whoever takes part (staff:
    all of them, with a link to record one)."""
    reader = _reader(request)
    if reader is None:
        return None
    dialogues = _dialogues(reader, case=case)
    if not dialogues and not reader.is_staff:
        return None
    for dialogue in dialogues:
        for commitment in dialogue.commitments.all():
            commitment.owner_label = commitment.owner.label_for(reader)
    return render_to_string(
        "engagement/panels/case_dialogues.html",
        {
            "case": case,
            "dialogues": dialogues,
            "reader": reader,
            "affiliate": getattr(request, "affiliate", None),
            "today": timezone.localdate(),
        },
        request=request,
    )


def case_organisations(request, case) -> str | None:
    return _credited_organisations(request, case, "case")


def grievance_organisations(request, grievance) -> str | None:
    return _credited_organisations(request, grievance, "grievance")


def _credited_organisations(request, credited, what: str) -> str | None:
    """Staff: the organisations credited on a case or grievance, and the others linked to its
    factory (a grievance may name none)."""
    reader = _reader(request)
    if reader is None or not reader.is_staff:
        return None
    organisations = list(credited.credited_organisations.order_by("name"))
    linked = []
    if credited.factory_id:
        linked = list(
            Organisation.objects.filter(factories=credited.factory_id)
            .exclude(pk__in=[o.pk for o in organisations])
            .order_by("name")
        )
    if not organisations and not linked:
        return None
    return render_to_string(
        "engagement/panels/credited_organisations.html",
        {"organisations": organisations, "linked": linked, "what": what},
        request=request,
    )


def company_engagement(request, supplier) -> str | None:
    """Staff: the company's contacts, its latest score, and what it has been asked to answer."""
    reader = _reader(request)
    if reader is None or not reader.is_staff:
        return None
    latest_score = QuarterScore.objects.filter(company=supplier).order_by("-quarter_start").first()
    return render_to_string(
        "engagement/panels/company_engagement.html",
        {
            "supplier": supplier,
            "contacts": list(supplier.contacts.select_related("user").order_by("user__email")),
            "latest_score": latest_score,
            "awaiting_answer": awaiting_answer(supplier.pk),
        },
        request=request,
    )


def company_commitments(request, supplier) -> str | None:
    reader = _reader(request)
    if reader is None or not reader.is_staff:
        return None
    commitments = list(
        Commitment.objects.owned_by_company(supplier.pk)
        .select_related("dialogue")
        .order_by("status", "due_on", "pk")
    )
    dialogues = list(
        Dialogue.objects.filter(
            pk__in=Participant.objects.filter(company=supplier).values("dialogue")
        ).order_by("-created_at")
    )
    return render_to_string(
        "engagement/panels/company_commitments.html",
        {
            "supplier": supplier,
            "commitments": commitments,
            "dialogues": dialogues,
            "today": timezone.localdate(),
        },
        request=request,
    )


def register_all() -> None:
    panels.register("case_staff", case_referral_staff)
    panels.register("case_staff", case_dialogues)
    panels.register("case_staff", case_organisations)
    panels.register("case_partner", case_referral_state)
    panels.register("case_partner", case_dialogues)
    panels.register("case_affiliate", case_referral_state)
    panels.register("case_affiliate", case_dialogues)
    panels.register("company_staff", company_engagement)
    panels.register("company_staff", company_commitments)
    panels.register("grievance_staff", grievance_organisations)
