"""Companies, production sites, the affiliates' contracts, and what contractors disclosed.

Suppliers and factories are shared rows (one registry for all affiliates, kept by EW staff).
Contracts, their checklists, disclosures and their lines belong to an affiliate.
"""

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from core import audit, rls
from core.currencies import validate_currency_code
from core.uploads import PrivateUploadTo

from .country_names import country_name
from .querysets import (
    DisclosureLineQuerySet,
    DisclosureQuerySet,
    FactoryQuerySet,
    SupplierQuerySet,
)

OS_ID_PATTERN = re.compile(r"^[A-Z]{2}\d{7}[A-Z0-9]{6,7}$")


def validate_os_id(value: str) -> None:
    """Open Supply Hub ids look like CN2019303BQ3FZP: country, year, day of year, hash."""
    if value and not OS_ID_PATTERN.match(value):
        raise ValidationError(
            _("“%(value)s” is not an Open Supply Hub ID (for example CN2019303BQ3FZP)."),
            params={"value": value},
            code="os_id",
        )


class Sector(models.TextChoices):
    ICT = "ict", _("ICT hardware")
    LEV = "lev", _("Low-emission vehicles")


class FactoryFunction(models.TextChoices):
    FINAL_ASSEMBLY = "final_assembly", _("Final assembly")
    COMPONENT = "component", _("Component manufacturing")
    RAW_MATERIAL = "raw_material", _("Mine, smelter or refiner")


class RbaMembership(models.TextChoices):
    """Membership of the Responsible Business Alliance: its members' factories fall under the
    Terms of Engagement between Electronics Watch and the RBA."""

    NONE = "none", _("Not a member")
    AFFILIATE = "affiliate", _("Affiliate member")
    REGULAR = "regular", _("Regular member")
    FULL = "full", _("Full member")


class Supplier(models.Model):
    """A company: brand, manufacturer, or contractor (reseller), or several of these."""

    RbaMembership = RbaMembership

    name = models.CharField(_("name"), max_length=255)
    legal_name = models.CharField(_("legal name"), max_length=255, blank=True)
    aliases = ArrayField(
        models.CharField(max_length=255), default=list, blank=True, verbose_name=_("other names")
    )
    country = CountryField(_("country"), blank=True)
    is_brand = models.BooleanField(_("brand"), default=False)
    is_manufacturer = models.BooleanField(_("manufacturer"), default=False)
    is_contractor = models.BooleanField(_("contractor or reseller"), default=False)
    identifier_scheme = models.CharField(
        _("identifier scheme"),
        max_length=40,
        blank=True,
        help_text=_("For example GB-COH (Companies House)."),
    )
    identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    rba_membership = models.CharField(
        _("RBA membership"),
        max_length=10,
        choices=RbaMembership.choices,
        default=RbaMembership.NONE,
    )
    rba_member_since = models.DateField(_("RBA member since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SupplierQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_scheme", "identifier"],
                condition=~models.Q(identifier=""),
                name="supplier_unique_identifier",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_rba_member(self) -> bool:
        return self.rba_membership != RbaMembership.NONE


def _choice_label(choices: type[models.Choices], value):
    """What Django's `get_FOO_display()` gives for a field whose choices are `choices`: the
    value's label as a string, else the value itself."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Factory(models.Model):
    """A production site. Disclosed by many affiliates' contractors, it is still one row."""

    name = models.CharField(_("legal name"), max_length=255)
    aliases = ArrayField(
        models.CharField(max_length=255), default=list, blank=True, verbose_name=_("other names")
    )
    address = models.CharField(_("address"), max_length=500)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    sector = models.CharField(
        _("sector"), max_length=10, choices=Sector.choices, default=Sector.ICT
    )
    function = models.CharField(
        _("function"),
        max_length=20,
        choices=FactoryFunction.choices,
        default=FactoryFunction.FINAL_ASSEMBLY,
    )
    products = models.CharField(_("products"), max_length=500, blank=True)
    workforce_size = models.PositiveIntegerField(_("workforce"), null=True, blank=True)
    migrant_share = models.DecimalField(
        _("share of migrant workers (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    os_id = models.CharField(
        _("Open Supply Hub ID"), max_length=20, blank=True, validators=[validate_os_id]
    )
    owner = models.ForeignKey(
        Supplier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_factories",
        verbose_name=_("owner company"),
    )
    # Matching keys, kept in step by `suppliers.matching.normalise` in the services.
    # Looked up with the country (`factory_country_name`) or by trigram similarity
    # (`factory_name_trgm`); the address key is compared in Python, never searched.
    name_key = models.CharField(max_length=255, editable=False)
    address_key = models.CharField(max_length=500, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_factories",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Collective leverage, kept exact by PostgreSQL from the supply-chain table (triggers of
    # migration 0021): how many affiliates have the site in their supply chain, and the
    # combined value in euros of the contracts under which they do (staff only). A save from
    # Python cannot change them (a stale instance would otherwise write old figures back).
    affiliate_count = models.PositiveIntegerField(_("affiliates"), default=0, editable=False)
    combined_value_eur = models.DecimalField(
        _("combined contract value (EUR)"),
        max_digits=16,
        decimal_places=2,
        default=0,
        editable=False,
    )
    # What EW staff's factory list shows of monitoring and remediation, kept exact by
    # PostgreSQL (triggers of migrations monitoring/0017 and remediation/0014, protected like
    # the leverage): the findings at the site that are still open (neither unsubstantiated
    # nor remediated and verified), whatever their report's status, and its active cases.
    open_finding_count = models.PositiveIntegerField(
        _("Open findings"), default=0, db_default=0, editable=False
    )
    active_case_count = models.PositiveIntegerField(
        _("Open remediation cases"), default=0, db_default=0, editable=False
    )

    # Derived, like counters: a change of them alone writes no audit event.
    STORED_AGGREGATES = ("open_finding_count", "active_case_count")

    objects = FactoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("factory")
        verbose_name_plural = _("factories")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["name_key"], name="factory_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["country", "name_key"], name="factory_country_name"),
            # The staff leverage ranking, read in its order.
            models.Index(
                F("affiliate_count").desc(),
                F("combined_value_eur").desc(),
                F("name"),
                F("id"),
                condition=models.Q(merged_into__isnull=True),
                name="factory_leverage_rank",
            ),
            # An affiliate's supply chain page, read in its order (country, then name) from
            # either end, a country's sites together; the chain is probed per site.
            models.Index(
                fields=["country", "name", "id"],
                condition=models.Q(merged_into__isnull=True),
                name="factory_country_order",
            ),
            # The API's order (name), from either end, the chain probed per site.
            models.Index(
                fields=["name", "id"],
                condition=models.Q(merged_into__isnull=True),
                name="factory_name_order",
            ),
            # The sites of a supply chain counted (capped at the list limit): merged, in key
            # order, with the chain's own index, rather than the registry read and hashed.
            models.Index(
                fields=["id"], condition=models.Q(merged_into__isnull=True), name="factory_active"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["os_id"], condition=~models.Q(os_id=""), name="factory_unique_os_id"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})"

    def get_absolute_url(self):
        return reverse("suppliers:staff_factory", kwargs={"pk": self.pk})

    # Django's own `get_…_display` gathers every translated label of the field on each call
    # (a list page calls them for each row); these read the value's label alone, the same.
    def get_sector_display(self) -> str:
        return _choice_label(Sector, self.sector)

    def get_function_display(self) -> str:
        return _choice_label(FactoryFunction, self.function)

    @property
    def country_name(self) -> str:
        """`country.name`, looked up in a table of the active language's names."""
        return country_name(self.country.code)

    @property
    def other_affiliates(self) -> int:
        """How many other affiliates buy from the site, for an affiliate that does (the stored
        `affiliate_count`). The one figure every page and PDF says."""
        return max((self.affiliate_count or 1) - 1, 0)


class FactoryMatchKey(models.Model):
    """A blocking key of a factory's name: the registry factories a new site is compared with
    are those sharing a rare one (suppliers/matching.py, README "Factory matching").

    Derived from `country` and `name_key` alone by the SQL function `suppliers_match_keys`
    and kept by a trigger on the factory table (migration 0021), whatever writes the factory
    (the matcher's bulk insert, COPY, admin edits, merges): never written by Python.
    Records merged into another keep their keys, as they keep their name key.
    """

    pk = models.CompositePrimaryKey("key", "factory_id")
    key = models.CharField(max_length=300)
    # The trigger deletes a factory's keys with it: no constraint for Django to cascade.
    factory = models.ForeignKey(
        Factory,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("factory match key")
        verbose_name_plural = _("factory match keys")

    def __str__(self):
        return self.key


class FactoryMatchKeyCount(models.Model):
    """How many factories hold a blocking key: read once per key probed, so that a site's
    rare keys are known without counting posting lists (suppliers/matching.py).

    Kept by a statement-level trigger on the key table (migration 0022), never by Python.
    """

    key = models.CharField(max_length=300, primary_key=True)
    factories = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("factory match key count")
        verbose_name_plural = _("factory match key counts")

    def __str__(self):
        return f"{self.key}: {self.factories}"


class SupplierFactory(models.Model):
    """Which company sources from which site, for which products, since when, and who says so."""

    class Source(models.TextChoices):
        DISCLOSURE = "disclosure", _("Accepted disclosure")
        STAFF = "staff", _("Electronics Watch research")
        MONITORING = "monitoring", _("Monitoring report")

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="factory_links", verbose_name=_("supplier")
    )
    factory = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="supplier_links", verbose_name=_("factory")
    )
    products = models.CharField(_("products"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_reference = models.CharField(_("source reference"), max_length=255, blank=True)
    first_seen = models.DateField(_("since"))
    last_seen = models.DateField(_("last confirmed"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("supplier-to-factory link")
        verbose_name_plural = _("supplier-to-factory links")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "factory", "source"], name="supplierfactory_unique_source"
            ),
        ]

    def __str__(self):
        return f"{self.supplier} → {self.factory}"


class Disclosure(models.Model):
    """A contractor's list of production sites for one contract (tenant-owned)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned with comments")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="disclosures",
        verbose_name=_("affiliate"),
    )
    contract = models.OneToOneField(
        "Contract",
        on_delete=models.CASCADE,
        related_name="disclosure",
        verbose_name=_("contract"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    due_date = models.DateField(_("due date"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comments = models.TextField(_("comments to the contractor"), blank=True)
    # Who vouched for the sites (querysets.py, the supply-chain rule): the contractor who
    # submitted the list through its link, else EW staff who confirmed what an officer typed.
    submitted_by_contractor = models.BooleanField(_("submitted by the contractor"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed by Electronics Watch"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    contractor_email = models.EmailField(_("contractor's e-mail"), blank=True)
    contractor_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    contractor_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(DisclosureQuerySet.as_manager().__class__, affiliate="affiliate")

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["due_date"]
        indexes = [
            models.Index(fields=["affiliate", "status", "due_date"], name="disclosure_status_due"),
            # The API's order: its first page reads 50 index entries, not every disclosure.
            models.Index(fields=["affiliate", "due_date", "id"], name="disclosure_due_order"),
        ]

    def __str__(self):
        return _("Disclosure for %(contract)s") % {"contract": self.contract}

    def get_absolute_url(self):
        return reverse(
            "suppliers:disclosure_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def puts_sites_in_supply_chain(self) -> bool:
        return self.status == self.Status.ACCEPTED and (
            self.submitted_by_contractor or self.confirmed_at is not None
        )

    @property
    def awaits_confirmation(self) -> bool:
        """Accepted, but typed or uploaded by the officer: EW staff confirm it first."""
        return self.status == self.Status.ACCEPTED and not self.puts_sites_in_supply_chain

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in {self.Status.REQUESTED, self.Status.RETURNED}
            and self.due_date < timezone.localdate()
        )


class DisclosureLine(models.Model):
    """One production site for one brand and product model, as the contractor disclosed it."""

    class Tier(models.IntegerChoices):
        FINAL_ASSEMBLY = 1, _("1 – final assembly")
        COMPONENT = 2, _("2 – strategic component")
        RAW_MATERIAL = 3, _("3 – raw material")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    # No index of their own: `disclosureline_unique_key` starts with the disclosure and
    # `line_factory_affiliate` with the factory (fewer indexes to keep on 50,000-line uploads).
    disclosure = models.ForeignKey(
        Disclosure,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("disclosure"),
        db_index=False,
    )
    factory = models.ForeignKey(
        Factory,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("factory"),
        db_index=False,
    )
    site_name = models.CharField(_("site name as disclosed"), max_length=255)
    address = models.CharField(_("address as disclosed"), max_length=500)
    country = CountryField(_("country"))
    brand = models.CharField(_("brand"), max_length=120)
    product_model = models.CharField(_("product model"), max_length=255)
    tier = models.PositiveSmallIntegerField(
        _("tier"), choices=Tier.choices, default=Tier.FINAL_ASSEMBLY
    )
    # Re-uploads update the line with the same key instead of adding another.
    line_key = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager(DisclosureLineQuerySet.as_manager().__class__, affiliate="affiliate")

    class Meta:
        verbose_name = _("disclosure line")
        verbose_name_plural = _("disclosure lines")
        ordering = ["site_name", "brand", "product_model"]
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "line_key"], name="disclosureline_unique_key"
            ),
        ]
        indexes = [models.Index(fields=["factory", "affiliate"], name="line_factory_affiliate")]

    def __str__(self):
        return f"{self.site_name} – {self.brand} {self.product_model}"


class DisclosureUpload(models.Model):
    """A large disclosure file, checked and saved by a Celery task rather than in the request
    (`imports.disclosure_upload_queue`): its progress, outcome and error report, kept for the
    disclosure page afterwards. The file itself is deleted once the task is over; the row
    after `EW_DISCLOSURE_UPLOAD_RETENTION_DAYS` (`disclosure_uploads_clean`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    class Via(models.TextChoices):
        PAGE = "page", _("the disclosure page")
        LINK = "link", _("the contractor's link")
        PORTAL = "portal", _("the company portal")
        API = "api", _("the API")

    FINISHED = frozenset({Status.DONE, Status.REJECTED, Status.FAILED})

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("disclosure")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    via = models.CharField(_("uploaded through"), max_length=10, choices=Via.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to=PrivateUploadTo("disclosure-uploads"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows (estimated)"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_matched = models.PositiveIntegerField(_("rows matched"), default=0)
    rows_saved = models.PositiveIntegerField(_("rows saved"), default=0)
    lines_created = models.PositiveIntegerField(_("new lines"), default=0)
    lines_updated = models.PositiveIntegerField(_("updated lines"), default=0)
    factories_created = models.PositiveIntegerField(_("new factories"), default=0)
    reviews_created = models.PositiveIntegerField(_("matches to review"), default=0)
    # [[row, column, message], ...], at most `import_rows.MAX_ERRORS` and a row's worth more.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    stopped_at_row = models.PositiveIntegerField(
        _("checking stopped at row"), null=True, blank=True
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    # The uploader's language: the task writes the outcome and the row errors in it.
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("disclosure upload")
        verbose_name_plural = _("disclosure uploads")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["disclosure", "-created_at"], name="disclosureupload_recent"),
            models.Index(fields=["created_at"], name="disclosureupload_created"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class SupplyChainLink(models.Model):
    """One site in one affiliate's supply chain, under one contract: a copy of each line of a
    vouched, accepted disclosure (`DisclosureLineQuerySet.in_supply_chain`, the rule), kept
    exact by PostgreSQL triggers on the lines, disclosures and contracts (migration 0021).

    Row-level security hides other affiliates' disclosure lines, yet the visibility rules need
    them: a finding is read by every affiliate that has its site in its chain, and everyone
    sees how many affiliates share a site, and screenings look for what is made where across
    the network. This table is the one place where the supply chain crosses tenants: it has no
    policy and every reader sees all of it, so it holds ids, the brand and the product
    categories, never a contract's reference, title or value. Only the triggers write it (the
    application's role may read it, not write it: core/rls.py `read_only_table`)."""

    id = models.BigIntegerField(primary_key=True)  # the disclosure line's
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    factory = models.ForeignKey(
        Factory, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    contract = models.ForeignKey(
        "suppliers.Contract", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # What the network shares about what is made there (screenings, companies concerned).
    brand = models.CharField(_("brand"), max_length=120)
    product_categories = ArrayField(models.CharField(max_length=32), default=list)
    cpv_codes = ArrayField(models.CharField(max_length=10), default=list)

    class Meta:
        db_table = "suppliers_supply_chain"
        verbose_name = _("supply-chain link")
        indexes = [
            # An affiliate's set of sites, read without the table (index-only scans).
            models.Index(fields=["affiliate", "factory"], name="supply_chain_affiliate"),
        ]

    def __str__(self):
        return f"{self.affiliate_id} → {self.factory_id}"


def supply_chain_lines():
    """What `SupplyChainLink` holds, derived afresh from the lines: the rule the triggers keep
    (and the tests' oracle)."""
    return DisclosureLine.objects.in_supply_chain().values(
        "id",
        "affiliate_id",
        "factory_id",
        "brand",
        contract_id=models.F("disclosure__contract_id"),
        product_categories=models.F("disclosure__contract__product_categories"),
        cpv_codes=models.F("disclosure__contract__cpv_codes"),
    )


rls.read_only_table(SupplyChainLink)


class FactoryMatchReview(models.Model):
    """An uncertain match for EW staff to decide: is `factory` the same site as `candidate`?"""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        SAME = "same", _("Same site: merged")
        DIFFERENT = "different", _("Different sites")

    factory = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="+", verbose_name=_("new factory")
    )
    candidate = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="+", verbose_name=_("possible match")
    )
    score = models.FloatField(_("similarity"))
    # Why the matcher paired them (suppliers/matching.py fills these; the queue shows them).
    name_similarity = models.FloatField(_("name similarity"), null=True, blank=True)
    address_similarity = models.FloatField(_("address similarity"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance between the coordinates (metres)"), null=True, blank=True
    )
    # Codes of the facts that matched, e.g. ["name", "street_number", "postcode", "nearby"].
    matched_facts = models.JSONField(_("facts that matched"), default=list, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("factory match review")
        verbose_name_plural = _("factory match reviews")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["factory", "candidate"], name="matchreview_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.factory} ≟ {self.candidate}"


class FactoryMerge(models.Model):
    """One merge of `source` into `target`, with what it moved, so that staff can undo it.

    `moved` maps a model label ("suppliers.disclosureline") to the primary keys of its rows
    that pointed at `source` and now point at `target`; `removed_links` keeps the supplier
    links deleted because the target already had the same fact; `aliases_added` and
    `os_id_moved` the rest of what `factory_merge` changed on the target.
    """

    source = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="merges_out", verbose_name=_("merged site")
    )
    target = models.ForeignKey(
        Factory, on_delete=models.CASCADE, related_name="merges_in", verbose_name=_("kept site")
    )
    review = models.ForeignKey(
        FactoryMatchReview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merges",
        verbose_name=_("review"),
    )
    moved = models.JSONField(default=dict, blank=True)
    removed_links = models.JSONField(default=list, blank=True)
    reviews_closed = models.JSONField(default=list, blank=True)
    aliases_added = models.JSONField(default=list, blank=True)
    os_id_moved = models.BooleanField(default=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("factory merge")
        verbose_name_plural = _("factory merges")
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.source_id} → {self.target_id}"


CPV_PATTERN = r"^\d{8}(-\d)?$"


class Contract(models.Model):
    """A public contract for ICT hardware or vehicles, owned by the affiliate that signed it."""

    class ConditionsVersion(models.TextChoices):
        NONE = "", _("Not included")
        V1 = "v1", _("Version 1")
        V2 = "v2", _("Version 2")
        V2_1 = "v2.1", _("Version 2.1")

    class Category(models.TextChoices):
        COMPUTERS = "computers", _("Computers and laptops")
        TABLETS = "tablets", _("Tablets")
        PHONES = "phones", _("Phones")
        MONITORS = "monitors", _("Monitors")
        PRINTERS = "printers", _("Printers and imaging")
        PERIPHERALS = "peripherals", _("Peripherals")
        SERVERS = "servers", _("Servers, storage and networking")
        VEHICLES = "vehicles", _("Low-emission vehicles")
        BATTERIES = "batteries", _("Batteries")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name=_("affiliate"),
    )
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    contractor = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("contractor"),
    )
    product_categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        default=list,
        blank=True,
        verbose_name=_("product categories"),
    )
    cpv_codes = ArrayField(
        models.CharField(max_length=10, validators=[RegexValidator(CPV_PATTERN)]),
        default=list,
        blank=True,
        verbose_name=_("CPV codes"),
    )
    brands = models.CharField(_("brands"), max_length=500, blank=True)
    product_models = models.TextField(_("product models"), blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[validate_currency_code]
    )
    # The value converted at the reference rates in settings, for leverage rankings.
    value_eur = models.DecimalField(max_digits=14, decimal_places=2, editable=False)
    awarded_on = models.DateField(_("award date"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    ew_conditions_version = models.CharField(
        _("Electronics Watch contract conditions"),
        max_length=10,
        blank=True,
        choices=ConditionsVersion.choices,
    )
    disclosure_due_date = models.DateField(
        _("disclosure due"), help_text=_("By default 30 days after the award.")
    )
    ocid = models.CharField(_("OCDS id"), max_length=120, blank=True)
    # The OCDS award it was imported from: a later award notice of it updates no other contract.
    ocds_award_id = models.CharField(_("OCDS award id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-awarded_on", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "reference"], name="contract_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_period_order",
            ),
        ]
        indexes = [GinIndex(fields=["cpv_codes"], name="contract_cpv")]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    def get_absolute_url(self):
        return reverse(
            "suppliers:contract_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def ew_conditions_included(self) -> bool:
        return bool(self.ew_conditions_version)


class ChecklistItem(models.Model):
    """One operational outcome of the contract conditions, tracked for one contract."""

    class Outcome(models.TextChoices):
        SITES_DISCLOSED = "sites_disclosed", _("Production sites disclosed")
        COMPONENT_SITES = "component_sites", _("Main component sites disclosed")
        FINDINGS_SHARED = "findings_shared", _("Compliance findings shared")
        FULL_FINDINGS = "full_findings", _("Full findings shared on evidence of a breach")
        CHEMICALS = "chemicals", _("Chemical inventory provided")
        TRADING_CONDITIONS = "trading_conditions", _("Trading-conditions report provided")
        MONITOR_ACCESS = "monitor_access", _("Access for monitors")
        NO_RETALIATION = "no_retaliation", _("No retaliation against workers")
        REMEDIATION = "remediation", _("Written evidence of remediation")
        PREVENTION = "prevention", _("Written evidence of prevention")

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet due or not started")
        ACHIEVED = "achieved", _("Achieved")
        FORMAL_REQUEST = "formal_request", _("Not achieved: formal request shown")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("contract")
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_(
            "What shows the outcome, or the contractor's formal request to its "
            "supplier when it could not obtain it."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "outcome"], name="checklist_unique_outcome"
            ),
        ]

    def __str__(self):
        return self.get_outcome_display()


class SourcedFigure(models.Model):
    """Every reference figure names where it comes from and the year it describes."""

    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("Publisher and title, for example: ILO NORMLEX, ratifications by country."),
    )
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text=_("The year the figure describes or was published."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CountryRiskIndicator(SourcedFigure):
    """One published figure about labour risk in a country of production, kept by EW staff.

    Reference data below any one affiliate: risk screenings before a tender read it (learning),
    and later issues add ILO ratifications and risk levels beside it. Every figure names its
    source and the year it describes, so a reader can check it and see how old it is.
    """

    class Indicator(models.TextChoices):
        # A deliberately small set; each value names what the figure is, not who publishes it.
        FORCED_LABOUR = "forced_labour", _("Forced labour risk")
        CHILD_LABOUR = "child_labour", _("Child labour risk")
        SLAVERY_PREVALENCE = (
            "slavery_prevalence",
            _("Estimated prevalence of modern slavery per 1,000 people"),
        )
        RIGHTS_INDEX = "rights_index", _("Workers' rights rating")

    class Level(models.TextChoices):
        LOW = "low", pgettext_lazy("risk level", "Low")
        MEDIUM = "medium", pgettext_lazy("risk level", "Medium")
        HIGH = "high", pgettext_lazy("risk level", "High")

    country = CountryField(_("country"))
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    value = models.CharField(
        pgettext_lazy("published figure", "value"),
        max_length=255,
        help_text=_(
            "The figure as the source publishes it: a number (10.8) or a short text "
            "(listed for electronics)."
        ),
    )
    level = models.CharField(_("risk level"), max_length=10, choices=Level.choices)
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("Publisher and title, for example: Walk Free, Global Slavery Index 2023."),
    )
    # Source URL, year, note and update time as every sourced figure (SourcedFigure).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("country risk indicator")
        verbose_name_plural = _("country risk indicators")
        ordering = ["country", "indicator", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "indicator", "year"], name="country_risk_unique_year"
            ),
        ]

    def __str__(self):
        return f"{self.country.name}: {self.get_indicator_display()} ({self.year})"


class Convention(models.TextChoices):
    """The ILO instruments that the risk views and the tender screenings name."""

    C29 = "C029", _("Forced Labour Convention, 1930 (No. 29)")
    P29 = "P029", _("Protocol of 2014 to the Forced Labour Convention")
    C105 = "C105", _("Abolition of Forced Labour Convention, 1957 (No. 105)")
    C138 = "C138", _("Minimum Age Convention, 1973 (No. 138)")
    C182 = "C182", _("Worst Forms of Child Labour Convention, 1999 (No. 182)")
    C181 = "C181", _("Private Employment Agencies Convention, 1997 (No. 181)")
    C189 = "C189", _("Domestic Workers Convention, 2011 (No. 189)")


class Ratification(SourcedFigure):
    """Whether a country has ratified an ILO convention (ILO NORMLEX)."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("Ratified, in force")
        NOT_IN_FORCE = "not_in_force", _("Ratified, not yet in force")
        DENOUNCED = "denounced", _("Denounced")
        NOT_RATIFIED = "not_ratified", _("Not ratified")

    country = CountryField(_("country"))
    convention = models.CharField(_("convention"), max_length=4, choices=Convention.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    ratified_on = models.DateField(_("ratified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("ratification")
        verbose_name_plural = _("ratifications")
        ordering = ["country", "convention"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "convention"], name="ratification_unique_convention"
            ),
        ]

    def __str__(self):
        return f"{self.country.name}: {self.convention} ({self.get_status_display()})"


class PathfinderCountry(SourcedFigure):
    """A country committed to accelerate action as an Alliance 8.7 Pathfinder Country."""

    country = CountryField(_("country"), unique=True)
    since = models.PositiveSmallIntegerField(_("pathfinder since"), null=True, blank=True)

    class Meta:
        verbose_name = _("Alliance 8.7 pathfinder country")
        verbose_name_plural = _("Alliance 8.7 pathfinder countries")
        ordering = ["country"]

    def __str__(self):
        return self.country.name


class MigrationCorridor(SourcedFigure):
    """A route migrant workers take from their country of origin, through transit countries, to
    the country where they work; a priority corridor is one Alliance 8.7 or EW names."""

    origin = CountryField(_("country of origin"))
    transit = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("transit countries"),
        default=list,
        blank=True,
        help_text=_("In the order workers pass through them."),
    )
    destination = CountryField(_("country of destination"))
    priority = models.BooleanField(_("priority corridor"), default=False)

    class Meta:
        verbose_name = _("migration corridor")
        verbose_name_plural = _("migration corridors")
        ordering = ["origin", "destination", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "transit", "destination"], name="corridor_unique_route"
            ),
        ]

    def __str__(self):
        return " → ".join(
            [
                self.origin.name,
                *(str(dict(countries).get(c, c)) for c in self.transit),
                self.destination.name,
            ]
        )


class ProductCategory(SourcedFigure):
    """A kind of product made in a sector (laptops, printed circuit boards, battery cells)."""

    sector = models.CharField(_("sector"), max_length=10, choices=Sector.choices)
    name = models.CharField(_("product"), max_length=200)
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{4,8}$", _("An HS code is 4 to 8 digits."))],
    )

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["sector", "name"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "name"], name="product_unique_in_sector"),
        ]

    def __str__(self):
        return self.name


# The audit trail (core/audit.py); the country risk indicators are an imported reference table.
audit.track(
    Supplier,
    Factory,
    SupplierFactory,
    Disclosure,
    DisclosureLine,
    DisclosureUpload,
    FactoryMatchReview,
    FactoryMerge,
    Contract,
    ChecklistItem,
    Ratification,
    PathfinderCountry,
    MigrationCorridor,
    ProductCategory,
)
