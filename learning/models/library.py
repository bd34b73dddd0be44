"""The guidance library: resources of several kinds, each with one text per language and, per
language, its successive versions (a contract clause keeps its earlier wordings).

Resources are shared rows: every signed-in member reads the published ones; EW staff write them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from affiliates.tenancy import is_member_of_an_active_affiliate
from core.uploads import PrivateUploadTo

__all__ = [
    "Bookmark",
    "ProcurementStage",
    "Resource",
    "ResourceKind",
    "ResourceLanguage",
    "ResourceUse",
    "ResourceVersion",
    "Topic",
]


class ResourceKind(models.TextChoices):
    GUIDANCE = "guidance", _("Guidance")
    PROCUREMENT_TOOL = "procurement_tool", _("Procurement tool")
    CONTRACT_CLAUSE = "contract_clause", _("Model contract clause")
    TENDER_LANGUAGE = "tender_language", _("Tender language")
    CASE_STUDY = "case_study", _("Case study")
    WEBINAR_RECORDING = "webinar_recording", _("Webinar recording")
    RESEARCH = "research", _("Research")


class ProcurementStage(models.TextChoices):
    """The stages of the procurement cycle, shared by the library and the self-assessment."""

    POLICY = "policy", _("Policy commitment")
    PLANNING = "planning", _("Procurement planning and risk assessment")
    TENDER = "tender", _("Tender and contract conditions")
    CONTRACT_MANAGEMENT = "contract_management", _("Contract management and monitoring")
    REMEDIATION = "remediation", _("Remediation")
    REPORTING = "reporting", _("Reporting")


class ResourceLanguage(models.TextChoices):
    """Languages a resource text can be written in; English and French are complete."""

    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    NL = "nl", _("Dutch")
    SV = "sv", _("Swedish")


class Topic(models.Model):
    """A term of the staff-edited vocabulary (due diligence, forced labour, …), named in each
    language of the interface."""

    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_fr = models.CharField(_("name in French"), max_length=120)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_fr if (get_language() or "en").startswith("fr") else self.name_en


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """EW staff read every resource, drafts included; every other signed-in member (of an
        affiliate or a monitoring partner) reads the published ones; anyone else nothing.

        On /learn/ no affiliate is active, so an affiliate member reads as a signed-in user
        without one: membership of an active affiliate is then checked first (outside any
        tenant's scope, row-level security shows no membership to a join).
        """
        if reader.is_staff:
            return self.all()
        published = self.filter(status=Resource.Status.PUBLISHED)
        if reader.is_partner or reader.is_affiliate:
            return published
        if reader.user is None or not is_member_of_an_active_affiliate(reader.user):
            return self.none()
        return published

    def published(self):
        return self.filter(status=Resource.Status.PUBLISHED)


class Resource(models.Model):
    """A library entry. Its facets live here; its words (title, summary, body, file or link)
    live in its versions, one series per language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=32, choices=ResourceKind.choices)
    topics = models.ManyToManyField(
        Topic, related_name="resources", blank=True, verbose_name=_("topics")
    )
    stages = ArrayField(
        models.CharField(max_length=32, choices=ProcurementStage.choices),
        default=list,
        blank=True,
        verbose_name=_("stages of the procurement cycle"),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        version = self.current_version()
        return version.title if version else f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("learning:resource", kwargs={"pk": self.pk})

    def current_version(self, language: str | None = None):
        """The latest version in `language` (the interface language by default), else in
        English, else in any language (of two languages' latest with the same number, the
        one written first, as `learning.services.library.with_row_display` chooses)."""
        versions = sorted(self.versions.all(), key=lambda v: (-v.number, v.pk))
        wanted = (language or get_language() or "en")[:2]
        for code in (wanted, "en"):
            for version in versions:
                if version.language == code:
                    return version
        return versions[0] if versions else None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ResourceVersion(models.Model):
    """One wording of a resource in one language. A new wording adds a version with the next
    number; earlier ones stay, so two versions can be compared."""

    class Format(models.TextChoices):
        TEXT = "text", _("Text written on the page")
        FILE = "file", _("File (PDF, DOCX or XLSX)")
        LINK = "link", _("Link")

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="versions", verbose_name=_("resource")
    )
    language = models.CharField(_("language"), max_length=8, choices=ResourceLanguage.choices)
    number = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown; no HTML."))
    file = models.FileField(
        _("file"), upload_to=PrivateUploadTo("library"), blank=True, max_length=255
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    change_note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Kept by a database trigger (learning/migrations/0002_library.py, `learning.search`):
    # title weight A, summary B, text C, in the text search configuration of `language`.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["resource", "language", "-number"]
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        indexes = [GinIndex(fields=["search_vector"], name="resource_version_search")]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "language", "number"], name="resource_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language}, v{self.number})"

    @property
    def has_file(self) -> bool:
        return self.format == self.Format.FILE and bool(self.file)


class Bookmark(models.Model):
    """A member's bookmark on a resource; private to that member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bookmarks",
        verbose_name=_("user"),
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="bookmarks", verbose_name=_("resource")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="bookmark_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.resource_id}"


class ResourceUse(models.Model):
    """How often members of an affiliate opened and downloaded a resource on a day: the staff
    overview's "which affiliates use which resources". Counts only, never who."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="uses", verbose_name=_("resource")
    )
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("resource use")
        verbose_name_plural = _("resource uses")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "affiliate", "day"], name="resource_use_unique_day"
            )
        ]
        indexes = [models.Index(fields=["day", "resource"])]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.affiliate_id} {self.day}"
