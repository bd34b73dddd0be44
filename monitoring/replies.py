"""The right of reply: Electronics Watch shares a validated report's findings with the
companies concerned before they reach affiliates, and each company answers finding by finding.

Rules decided here:

- **Who is concerned**: the factory's owner, and the brands whose products the factory makes:
  brands linked to the factory (`SupplierFactory`, any source) and brands named on the lines of
  accepted disclosures at the factory (the line's brand is free text: it matches a brand's
  name or one of its other names, ignoring case). Only those companies can be given a right
  of reply, and only once one of their contacts has an account (someone must read it).
- **When**: findings are shared once the report is *validated* and before it is *published*
  (the point is to hear the company before affiliates read the findings). The deadline is
  `EW_REPLY_DAYS` days (30) by default, and must be after today. A company gets one right of
  reply per report.
- **What the company reads**: only `text_for_company`, written by staff when sharing, with
  the finding's Code category, severity, the factory and the period; never the partner's
  confidential text, evidence, the report's narrative, evidence files, the partner's name or
  worker counts.
- **Answering**: a contact of the company answers (and may change its answer, adding files
  checked like evidence) until the deadline, and only while the finding is unpublished: once
  affiliates read a finding, the answer beside it is the one they read. After the deadline
  the answer is refused with the date it was due.
- **Lapse**: the daily sweep records `lapsed_at` on a right of reply whose deadline has
  passed with a finding unanswered; affiliates then read "No answer by the deadline" beside
  that finding once it is published. Answers reach affiliates only once the finding is
  published (`FindingReplyQuerySet.shown_with_published_finding`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Trim
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.uploads import CleanFile

from .models import FindingReply, MonitoringReport, ReplyAttachment, RightOfReply
from .signals import rights_of_reply_shared

MAX_ATTACHMENTS = 5


class _LowerNames(models.Func):
    """A company's name and other names, lower-cased, as one array (for `__overlap`)."""

    template = "ARRAY(SELECT lower(n) FROM unnest(array_append(%(expressions)s)) AS n)"
    output_field = ArrayField(models.TextField())


def default_due_date(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=settings.EW_REPLY_DAYS)


def companies_concerned(report: MonitoringReport):
    """The companies concerned by a report's findings (see the module's rules), by name, in
    one query; `has_contact`: whether the company has an active contact in the company portal
    (only those can be asked)."""
    from suppliers.models import Factory, Supplier, SupplierFactory, SupplyChainLink

    factory_id = report.factory_id
    # Brands disclosed for the site in every affiliate's supply chain (the cross-tenant view).
    disclosed_brands = (
        SupplyChainLink.objects.filter(factory_id=factory_id)
        .annotate(name=Lower(Trim("brand")))
        .order_by()
        .values("name")
    )
    return (
        Supplier.objects.annotate(
            known_as=_LowerNames("aliases", "name"),
            has_contact=Exists(
                Supplier.objects.filter(pk=OuterRef("pk"), contacts__user__is_active=True)
            ),
        )
        .filter(
            Q(Exists(Factory.objects.filter(pk=factory_id, owner_id=OuterRef("pk"))))
            | Q(is_brand=True)
            & (
                Q(
                    Exists(
                        SupplierFactory.objects.filter(
                            factory_id=factory_id, supplier_id=OuterRef("pk")
                        )
                    )
                )
                | Q(known_as__overlap=ArraySubquery(disclosed_brands))
            )
        )
        .order_by("name", "pk")
    )


def _require_staff(user) -> None:
    if not user.is_ew_staff:
        raise DomainError(_("Only Electronics Watch staff can do this."))


@transaction.atomic
def share_for_reply(
    *,
    report: MonitoringReport,
    companies: Iterable,
    due_date: date,
    texts_for_company: dict[int, str],
    by,
) -> list[RightOfReply]:
    """Give each company a right of reply on the report's findings: `texts_for_company` maps
    each finding shared to the text the company reads. Each company's contacts are told by
    e-mail after commit (through `rights_of_reply_shared`)."""
    _require_staff(by)
    report = MonitoringReport.objects.select_for_update().get(pk=report.pk)
    companies = list(companies)
    texts = share_for_reply_check(
        report=report, companies=companies, due_date=due_date, texts_for_company=texts_for_company
    )
    rights = []
    for company in companies:
        right = RightOfReply.objects.create(
            report=report, company=company, due_date=due_date, shared_by=by
        )
        FindingReply.objects.bulk_create(
            FindingReply(right_of_reply=right, finding_id=finding_id, text_for_company=text)
            for finding_id, text in sorted(texts.items())
        )
        rights.append(right)
    rights_of_reply_shared.send(sender=RightOfReply, rights=rights)
    return rights


def share_for_reply_check(
    *, report: MonitoringReport, companies: list, due_date: date, texts_for_company: dict[int, str]
) -> dict[int, str]:
    """Refuse a share before anyone confirms it; the texts to share, stripped, by finding id."""
    if report.status != MonitoringReport.Status.VALIDATED:
        raise DomainError(
            _(
                "Findings are shared for reply once the report is validated and before it is "
                "published; this report is “%(status)s”."
            )
            % {"status": report.get_status_display()}
        )
    companies = list(companies)
    if not companies:
        raise DomainError(
            _("Choose at least one company to share the findings with."), field="companies"
        )
    if due_date <= timezone.localdate():
        raise DomainError(_("The deadline to answer must be after today."), field="due_date")
    concerned = {company.pk for company in companies_concerned(report)}
    for company in companies:
        if company.pk not in concerned:
            raise DomainError(
                _("%(company)s is neither the factory's owner nor a brand made there.")
                % {"company": company.name},
                field="companies",
            )
    already = set(
        RightOfReply.objects.filter(report=report, company__in=companies).values_list(
            "company__name", flat=True
        )
    )
    if already:
        raise DomainError(
            _("The findings were already shared with %(companies)s.")
            % {"companies": ", ".join(sorted(already))},
            field="companies",
        )
    from suppliers.models import Supplier

    with_contacts = set(
        Supplier.objects.filter(
            pk__in=[c.pk for c in companies], contacts__user__is_active=True
        ).values_list("pk", flat=True)
    )
    for company in companies:
        if company.pk not in with_contacts:
            raise DomainError(
                _("%(company)s has no contact in the company portal yet: invite one first.")
                % {"company": company.name},
                field="companies",
            )
    findings = {finding.pk: finding for finding in report.findings.select_related("standard")}
    if not texts_for_company:
        raise DomainError(_("Share at least one finding."))
    if set(texts_for_company) - set(findings):
        raise DomainError(_("A finding to share does not belong to this report."))
    texts = {}
    for finding_id, text in texts_for_company.items():
        if not (text or "").strip():
            raise DomainError(
                _("Write the text the companies read for the finding “%(finding)s”.")
                % {"finding": findings[finding_id].standard.label},
                field=f"text_{finding_id}",
            )
        texts[finding_id] = text.strip()
    return texts


@transaction.atomic
def answer_finding(*, reply: FindingReply, by, answer: str, files: Iterable[CleanFile] = ()):
    """The company's answer to one shared finding (a new answer replaces the earlier one;
    files are added). Refused after the deadline and once the finding is published."""
    reply = (
        FindingReply.objects.select_for_update(of=("self",))
        .select_related("right_of_reply", "finding")
        .get(pk=reply.pk)
    )
    right = reply.right_of_reply
    contact = getattr(by, "company_contact", None)
    if contact is None or contact.company_id != right.company_id:
        raise DomainError(_("Only the contacts of the company concerned can answer."))
    if right.lapsed_at is not None or right.due_date < timezone.localdate():
        raise DomainError(
            _("The deadline to answer was %(date)s: answers are no longer accepted.")
            % {"date": formats.date_format(right.due_date, "DATE_FORMAT")}
        )
    if reply.finding.published_at is not None:
        raise DomainError(_("This finding has been published: its answers are closed."))
    answer = (answer or "").strip()
    if not answer:
        raise DomainError(_("Write your answer."), field="answer")
    files = list(files)
    if reply.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise DomainError(
            _("An answer may have at most %(n)s files.") % {"n": MAX_ATTACHMENTS},
            field="files",
        )
    reply.answer = answer
    reply.answered_at, reply.answered_by = timezone.now(), by
    reply.save(update_fields=["answer", "answered_at", "answered_by"])
    for clean_file in files:
        attachment = ReplyAttachment(
            reply=reply,
            original_name=clean_file.original_name,
            content_type=clean_file.content_type,
            size=clean_file.size,
            uploaded_by=by,
        )
        # A rolled-back transaction leaves the stored file orphaned, never a row without it.
        attachment.file.save(f"reply.{clean_file.extension}", ContentFile(clean_file.content))
    _notify_staff_of_answer(reply)
    return reply


def _notify_staff_of_answer(reply: FindingReply) -> int:
    """Tell the staff member who shared the findings, and the report's triage assignee, that
    the company answered (in the outbox, with the answer: one e-mail per answer and person)."""
    from core.outbox import Message, outbox_enqueue

    right = reply.right_of_reply
    report = right.report
    recipients = {
        user.pk: user
        for user in (right.shared_by, report.assigned_to)
        if user is not None and user.is_active and user.is_ew_staff
    }
    link = settings.SITE_URL + reverse("monitoring:staff_report", kwargs={"pk": report.pk})
    stamp = int(reply.answered_at.timestamp())
    return outbox_enqueue(
        [
            Message(
                key=f"reply-answered:{reply.pk}:{stamp}:{user.pk}",
                recipient=user.email,
                template_prefix="monitoring/email/reply_answered",
                context={
                    "company": right.company,
                    "report": report,
                    "factory": report.factory,
                    "finding": reply.finding,
                    "link": link,
                },
                language=user.language,
            )
            for user in recipients.values()
        ]
    )


def rights_of_reply_lapse(*, today: date | None = None) -> int:
    """Record that the deadline passed without an answer: rights of reply due before today
    with a finding unanswered. Returns how many were recorded; a second run records none."""
    today = today or timezone.localdate()
    unanswered = FindingReply.objects.filter(
        right_of_reply=OuterRef("pk"), answered_at__isnull=True
    )
    return RightOfReply.objects.filter(
        Exists(unanswered), lapsed_at__isnull=True, due_date__lt=today
    ).update(lapsed_at=timezone.now())
