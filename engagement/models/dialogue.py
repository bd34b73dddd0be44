"""Multi-stakeholder dialogue: meetings (one, or a series) between affiliates, companies,
monitoring partners, trade unions and worker representatives, with an agenda, minutes in a
shared part (read by the participants) and a confidential part (EW staff only, encrypted),
and commitments with an owner, a due date and a status.

Trade unions and worker representative bodies are `Organisation`s linked to the factories
where they represent workers, so remediation cases and grievances can credit them.

Who reads what (`Dialogue.objects.visible_to(reader)`): staff everything; an affiliate, a
company or a monitoring partner the dialogues it takes part in, without the confidential
minutes. Participants of a dialogue know each other, with two exceptions kept from the
rest of the platform: a company never reads an affiliate's or a monitoring partner's name,
and an affiliate never reads a monitoring partner's name (`Participant.label_for`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from core.encryption import EncryptedTextField

__all__ = ["Commitment", "Dialogue", "DialogueMeeting", "Organisation", "Participant"]


class Organisation(models.Model):
    """A trade union or a worker representative body, at one or more factories."""

    class Kind(models.TextChoices):
        TRADE_UNION = "trade_union", _("Trade union")
        WORKER_REPRESENTATIVES = "worker_representatives", _("Worker representative body")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    country = CountryField(_("country"))
    factories = models.ManyToManyField(
        "suppliers.Factory",
        blank=True,
        related_name="worker_organisations",
        verbose_name=_("factories where it represents workers"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)
    notes = models.TextField(_("notes (EW staff only)"), blank=True)
    credited_cases = models.ManyToManyField(
        "remediation.RemediationCase",
        blank=True,
        related_name="credited_organisations",
        verbose_name=_("remediation cases it contributed to"),
    )
    credited_grievances = models.ManyToManyField(
        "grievances.Grievance",
        blank=True,
        related_name="credited_organisations",
        verbose_name=_("grievances it brought or supported"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("workers' organisation")
        verbose_name_plural = _("workers' organisations")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("engagement:organisation_edit", kwargs={"pk": self.pk})


class DialogueQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every dialogue; an affiliate, a company or a monitoring partner those in
        which it takes part (what it reads of them is the shared part only)."""
        if reader.is_staff:
            return self.all()
        if reader.is_affiliate:
            return self.filter(
                pk__in=Participant.objects.filter(affiliate=reader.affiliate).values("dialogue")
            )
        if reader.is_company:
            return self.filter(
                pk__in=Participant.objects.filter(company_id=reader.company_id).values("dialogue")
            )
        if reader.is_partner:
            return self.filter(
                pk__in=Participant.objects.filter(partner_id=reader.partner_id).values("dialogue")
            )
        return self.none()

    def with_parties(self):
        """With the participants and the commitments' owners loaded, each with its party, to
        label them without a query each."""
        return self.prefetch_related(
            models.Prefetch(
                "participants", queryset=Participant.objects.select_related(*Participant.PARTIES)
            ),
            models.Prefetch("commitments", queryset=Commitment.objects.with_owners()),
        )


class Dialogue(models.Model):
    class Format(models.TextChoices):
        MEETING = "meeting", _("A single meeting")
        SERIES = "series", _("A series of meetings")

    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.MEETING
    )
    purpose = models.TextField(_("purpose"), blank=True, help_text=_("Read by every participant."))
    case = models.ForeignKey(
        "remediation.RemediationCase",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogues",
        verbose_name=_("remediation case"),
    )
    companies = models.ManyToManyField(
        "suppliers.Supplier",
        blank=True,
        related_name="dialogues",
        verbose_name=_("companies concerned"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DialogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("engagement:dialogue_detail", kwargs={"pk": self.pk})


class DialogueMeeting(models.Model):
    dialogue = models.ForeignKey(
        Dialogue, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("dialogue")
    )
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    minutes_shared = models.TextField(
        _("minutes shared with the participants"),
        blank=True,
        help_text=_("Every participant reads this part."),
    )
    minutes_confidential = EncryptedTextField(
        _("confidential minutes"),
        blank=True,
        help_text=_("Electronics Watch staff only; stored encrypted."),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.dialogue} ({self.held_on})"


def _exactly_one_party() -> Q:
    """One of affiliate, company, partner or organisation is set, or else a person's name."""
    foreign_keys = ("affiliate", "company", "partner", "organisation")
    cases = []
    for chosen in (*foreign_keys, "name"):
        case = Q()
        for key in foreign_keys:
            case &= Q(**{f"{key}__isnull": key != chosen})
        cases.append(case & (~Q(name="") if chosen == "name" else Q(name="")))
    condition = cases[0]
    for case in cases[1:]:
        condition |= case
    return condition


class Participant(models.Model):
    """One party to a dialogue: an affiliate, a company, a monitoring partner, a workers'
    organisation, or a person named on their own."""

    class Kind(models.TextChoices):
        AFFILIATE = "affiliate", _("Affiliate")
        COMPANY = "company", _("Company")
        PARTNER = "partner", _("Monitoring partner")
        ORGANISATION = "organisation", _("Trade union or worker representatives")
        PERSON = "person", _("Person")

    # The relations naming the party (none for a person named on their own): load them with
    # `select_related(*Participant.PARTIES)` to label participants without a query each.
    PARTIES = ("affiliate", "company", "partner", "organisation")

    dialogue = models.ForeignKey(
        Dialogue,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("dialogue"),
    )
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dialogue_participations",
        verbose_name=_("affiliate"),
    )
    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dialogue_participations",
        verbose_name=_("company"),
    )
    partner = models.ForeignKey(
        "monitoring.MonitoringPartner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dialogue_participations",
        verbose_name=_("monitoring partner"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dialogue_participations",
        verbose_name=_("trade union or worker representatives"),
    )
    name = models.CharField(_("person's name"), max_length=200, blank=True)
    role = models.CharField(_("role in the dialogue"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail address"),
        blank=True,
        help_text=_(
            "Where reminders of its commitments go. An affiliate's go to its admins, a "
            "company's to its contacts on the platform."
        ),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="participant_exactly_one_party",
                condition=_exactly_one_party(),
            ),
            models.UniqueConstraint(
                fields=["dialogue", "affiliate"], name="participant_affiliate_once"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "company"], name="participant_company_once"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "partner"], name="participant_partner_once"
            ),
            models.UniqueConstraint(
                fields=["dialogue", "organisation"], name="participant_organisation_once"
            ),
        ]

    def __str__(self):
        return self.full_label()

    @property
    def kind(self) -> str:
        if self.affiliate_id:
            return self.Kind.AFFILIATE
        if self.company_id:
            return self.Kind.COMPANY
        if self.partner_id:
            return self.Kind.PARTNER
        if self.organisation_id:
            return self.Kind.ORGANISATION
        return self.Kind.PERSON

    def get_kind_display(self) -> str:
        return str(self.Kind(self.kind).label)

    def full_label(self) -> str:
        """The party's name, as EW staff read it."""
        party = self.affiliate or self.company or self.partner or self.organisation
        return str(party) if party is not None else self.name

    def label_for(self, reader) -> str:
        """The party as `reader` may read it: a company never reads an affiliate's or a
        partner's name, an affiliate never a partner's name, and no one but staff reads
        another affiliate's name unless it takes part in the dialogue too (`visible_to`
        only lets participants read a dialogue at all)."""
        kind = self.kind
        if reader.is_staff:
            return self.full_label()
        if kind == self.Kind.PARTNER and not (
            reader.is_partner and reader.partner_id == self.partner_id
        ):
            return str(_("A monitoring partner"))
        if kind == self.Kind.AFFILIATE and not reader.is_affiliate:
            return str(_("An affiliate (public buyer)"))
        return self.full_label()


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """A commitment is read with its dialogue, by whoever may read the dialogue."""
        return self.filter(dialogue__in=Dialogue.objects.visible_to(reader))

    def owned_by_company(self, company_id: int):
        return self.filter(owner__company_id=company_id)

    def with_owners(self):
        """With each owner and its party loaded, to label owners without a query each."""
        return self.select_related(*(f"owner__{name}" for name in Participant.PARTIES))

    def open(self):
        return self.filter(status=Commitment.Status.OPEN)


class Commitment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("commitment status", "Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    dialogue = models.ForeignKey(
        Dialogue,
        on_delete=models.CASCADE,
        related_name="commitments",
        verbose_name=_("dialogue"),
    )
    text = models.TextField(_("commitment"))
    owner = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("who committed"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="commitment_due")]

    def __str__(self):
        return self.text[:60]

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())
