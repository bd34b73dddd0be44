"""factory_boy factories. `TENANT_FACTORIES` lists, for every tenant-owned model, how to make
a row of a given affiliate: the isolation walker uses it to try other tenants' objects."""

from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from django_scopes import scopes_disabled
from factory import LazyAttribute, Sequence, SubFactory

from affiliates.models import Affiliate, Invitation, Membership, User, token_digest
from core.models import ExportJob
from engagement.models import CompanyContact
from learning.models import Answer as AssessmentAnswer
from learning.models import (
    Assessment,
    CpvCode,
    Event,
    EventAudience,
    EventKind,
    ProcurementStage,
    Question,
    Questionnaire,
    Registration,
    Resource,
    ResourceKind,
    ResourceVersion,
    Screening,
    Topic,
)
from monitoring.models import (
    CodeStandard,
    Finding,
    FindingReply,
    MonitoringPartner,
    MonitoringReport,
    PartnerMembership,
    ReplyAttachment,
    RightOfReply,
    Severity,
)
from remediation.models import (
    ActionProgress,
    Audience,
    CaseUpdate,
    Engagement,
    Participation,
    ProgressAttachment,
    RemediationAction,
    RemediationCase,
)
from reports.models import ComplianceReport
from suppliers.matching import normalise_address, normalise_name
from suppliers.models import (
    ChecklistItem,
    Contract,
    Disclosure,
    DisclosureLine,
    DisclosureUpload,
    Factory,
    Supplier,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def totp_code(secret: str) -> str:
    """The current TOTP code, never one about to expire: near the end of a 30-second
    window, wait for the next, so the server checks it in the window it was made for."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def enrol_totp(user) -> str:
    """Give the user a TOTP authenticator; returns the secret to compute codes from."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class StaffFactory(UserFactory):
    is_ew_staff = True
    is_staff = True

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            obj.totp_secret = enrol_totp(obj)


class AffiliateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliate
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Public Buyer {n}")
    slug = factory.Sequence(lambda n: f"buyer-{n}")
    country = "FR"
    affiliate_type = Affiliate.Type.MUNICIPALITY
    affiliated_on = date(2020, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    affiliate = factory.SubFactory(AffiliateFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OFFICER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    affiliate = factory.SubFactory(AffiliateFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.OFFICER
    token_digest = factory.Sequence(lambda n: token_digest(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + Invitation.VALIDITY)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class MonitoringPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringPartner

    name = factory.Sequence(lambda n: f"Monitor {n}")
    slug = factory.Sequence(lambda n: f"monitor-{n}")
    countries = ["TH"]


class PartnerMemberFactory(UserFactory):
    @factory.post_generation
    def partner(obj, create, extracted, **kwargs):
        if create:
            PartnerMembership.objects.create(
                user=obj, partner=extracted or MonitoringPartnerFactory()
            )
            obj.totp_secret = enrol_totp(obj)


class CompanyContactFactory(UserFactory):
    """A company contact with TOTP enrolled; `company=` picks the company."""

    @factory.post_generation
    def company(obj, create, extracted, **kwargs):
        if create:
            CompanyContact.objects.create(user=obj, company=extracted or SupplierFactory())
            obj.totp_secret = enrol_totp(obj)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Reseller {n} Ltd")
    country = "GB"
    is_contractor = True


class FactoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Factory

    name = factory.Sequence(lambda n: f"Precision Electronics Plant {n}")
    address = factory.Sequence(lambda n: f"{n} Industrial Estate Road, Ayutthaya")
    country = "TH"
    name_key = factory.LazyAttribute(lambda o: normalise_name(o.name))
    address_key = factory.LazyAttribute(lambda o: normalise_address(o.address))


class _ScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class ContractFactory(_ScopedFactory):
    class Meta:
        model = Contract

    affiliate = factory.SubFactory(AffiliateFactory)
    reference = factory.Sequence(lambda n: f"ICT-2026-{n:04d}")
    title = factory.Sequence(lambda n: f"Laptops and desktops lot {n}")
    contractor = factory.SubFactory(SupplierFactory)
    product_categories = ["computers"]
    cpv_codes = ["30213100"]
    brands = "Acme Devices, Kestrel Computing"
    value = 250000
    currency = "EUR"
    value_eur = factory.LazyAttribute(lambda o: o.value)
    awarded_on = date(2026, 1, 15)
    start_date = date(2026, 2, 1)
    end_date = date(2028, 1, 31)
    ew_conditions_version = "v2.1"
    disclosure_due_date = date(2026, 2, 14)


class ChecklistItemFactory(_ScopedFactory):
    class Meta:
        model = ChecklistItem

    contract = factory.SubFactory(ContractFactory)
    affiliate = factory.LazyAttribute(lambda o: o.contract.affiliate)
    outcome = ChecklistItem.Outcome.SITES_DISCLOSED


class DisclosureFactory(_ScopedFactory):
    class Meta:
        model = Disclosure

    contract = factory.SubFactory(ContractFactory)
    affiliate = factory.LazyAttribute(lambda o: o.contract.affiliate)
    due_date = factory.LazyAttribute(lambda o: o.contract.disclosure_due_date)
    # As most lists arrive: through the contractor's link (an officer's needs EW staff).
    submitted_by_contractor = True


class DisclosureUploadFactory(_ScopedFactory):
    """A large upload that was rejected, with its error report."""

    class Meta:
        model = DisclosureUpload

    disclosure = SubFactory(DisclosureFactory)
    affiliate = LazyAttribute(lambda o: o.disclosure.affiliate)
    via = DisclosureUpload.Via.PAGE
    file_name = "sites.csv"
    status = DisclosureUpload.Status.REJECTED
    rows_total = 6000
    rows_read = 6000
    errors = factory.LazyFunction(lambda: [[7, "country", "“Atlantis” is not a country."]])
    message = "The file has 1 error; nothing was imported."


class ExportJobFactory(_ScopedFactory):
    """A finished background export of an affiliate's contract list, with its file."""

    class Meta:
        model = ExportJob

    affiliate = SubFactory(AffiliateFactory)
    requested_by = LazyAttribute(lambda o: member(o.affiliate))
    list_name = "suppliers:contract_list"
    title = "contracts"
    path = LazyAttribute(lambda o: f"/a/{o.affiliate.slug}/contracts/")
    format = ExportJob.Format.CSV
    status = ExportJob.Status.DONE
    rows_total = 1
    rows_done = 1
    file = factory.django.FileField(filename="export.csv", data=b"Reference\r\nSECRET-ROW\r\n")
    file_name = "contracts.csv"
    expires_at = LazyAttribute(lambda o: timezone.now() + timedelta(hours=48))


class DisclosureLineFactory(_ScopedFactory):
    class Meta:
        model = DisclosureLine

    disclosure = SubFactory(DisclosureFactory)
    affiliate = LazyAttribute(lambda o: o.disclosure.affiliate)
    site_name = LazyAttribute(lambda o: o.factory.name)
    address = LazyAttribute(lambda o: o.factory.address)
    country = LazyAttribute(lambda o: o.factory.country)
    brand = "Acme Devices"
    product_model = Sequence(lambda n: f"AcmeBook T{n}")
    line_key = Sequence(lambda n: f"key-{n}")
    # Last: the field's name hides the `factory` module for the rest of the class body.
    factory = SubFactory(FactoryFactory)


class MonitoringReportFactory(factory.django.DjangoModelFactory):
    """A submitted report; pass `status=` and dates for other states."""

    class Meta:
        model = MonitoringReport

    partner = SubFactory(MonitoringPartnerFactory)
    period_start = date(2026, 3, 1)
    period_end = date(2026, 4, 30)
    methods = [MonitoringReport.Method.OFFSITE_INTERVIEWS]
    interviewed_women = 12
    interviewed_men = 8
    interviewed_migrant = 15
    interviewed_local = 5
    summary = "Workers described passports held by the dormitory manager."
    status = MonitoringReport.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    created_by = SubFactory(UserFactory)
    factory = SubFactory(FactoryFactory)  # last: the name hides the `factory` module


def code_standard(number: int) -> CodeStandard:
    """A standard of the current Code edition. Transactional tests (live server) flush the
    rows the data migration seeded, so they are seeded again when missing."""
    if not CodeStandard.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("monitoring.migrations.0003_seed_code_reference").seed(apps, None)
    return CodeStandard.objects.current().get(number=number)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    report = SubFactory(MonitoringReportFactory)
    standard = factory.LazyFunction(lambda: code_standard(1))
    ilo_indicators = ["documents"]
    severity = Severity.HIGH
    workers_affected = 40
    confidential_text = "Worker A said the agent keeps her passport in a locked office."


def published_finding(factory_=None, **fields) -> Finding:
    """A finding of a published report at the given factory, visible to its affiliates."""
    now = timezone.now()
    report = MonitoringReportFactory(
        factory=factory_ or FactoryFactory(),
        status=MonitoringReport.Status.PUBLISHED,
        published_at=now,
        published_summary="Monitoring found retention of identity documents.",
    )
    fields.setdefault("published_text", "Identity documents of migrant workers were retained.")
    return FindingFactory(report=report, published_at=now, **fields)


def in_supply_chain(affiliate, factory_, status="accepted") -> DisclosureLine:
    """Put a factory in an affiliate's supply chain through a disclosure of one of its contracts."""
    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=affiliate), status=status)
    return DisclosureLineFactory(disclosure=disclosure, factory=factory_)


class RemediationCaseFactory(factory.django.DjangoModelFactory):
    """An opened case at a new factory; `findings`/`grievances` can be set after creation."""

    class Meta:
        model = RemediationCase

    title = Sequence(lambda n: f"Passports returned to migrant workers ({n})")
    summary = "Migrant workers' passports are held by the employer; they must be returned."
    severity = Severity.HIGH
    staff_lead = SubFactory(StaffFactory, totp=False)
    opened_by = LazyAttribute(lambda o: o.staff_lead)
    factory = SubFactory(FactoryFactory)  # last: the name hides the `factory` module


class RemediationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationAction

    case = SubFactory(RemediationCaseFactory)
    description = Sequence(lambda n: f"Return every passport to its owner ({n})")
    owner_name = "Rayong Precision Components"
    contact_name = "Somchai P."
    contact_email = Sequence(lambda n: f"compliance{n}@supplier.example")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class CaseUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseUpdate

    case = SubFactory(RemediationCaseFactory)
    audience = Audience.AFFILIATES
    text = "The brand has asked the factory for a timetable."
    author = LazyAttribute(lambda o: o.case.staff_lead)


def joined_case(affiliate, case=None, **fields) -> RemediationCase:
    """A case at a factory in the affiliate's supply chain, which the affiliate has joined."""
    case = case or RemediationCaseFactory(**fields)
    in_supply_chain(affiliate, case.factory)
    Participation.objects.update_or_create(
        case=case, affiliate=affiliate, defaults={"joined_on": timezone.localdate()}
    )
    return case


class EngagementFactory(_ScopedFactory):
    class Meta:
        model = Engagement

    case = SubFactory(RemediationCaseFactory)
    affiliate = SubFactory(AffiliateFactory)
    kind = Engagement.Kind.LETTER
    level = Engagement.Level.INFORMAL
    happened_on = factory.LazyFunction(timezone.localdate)
    summary = "Wrote to the contractor asking for the brand's remediation plan."
    created_by = SubFactory(UserFactory)


class ComplianceReportFactory(_ScopedFactory):
    """A queued report of the last calendar year."""

    class Meta:
        model = ComplianceReport

    affiliate = SubFactory(AffiliateFactory)
    period_start = date(2025, 1, 1)
    period_end = date(2025, 12, 31)
    language = "en"


def member(affiliate, role=Membership.Role.OFFICER, **user_fields) -> User:
    """A user with one membership."""
    user = UserFactory(**user_fields)
    MembershipFactory(affiliate=affiliate, user=user, role=role)
    return user


# --- Risk screening (learning) ---


def cpv_code(code: str = "30213100-6") -> CpvCode:
    """A CPV code of the seeded list. Transactional tests (live server) flush the rows the
    data migration seeded, so they are seeded again when missing."""
    if not CpvCode.objects.exists():
        import pkgutil
        from importlib import import_module

        from django.apps import apps

        import learning.migrations

        for info in pkgutil.iter_modules(learning.migrations.__path__):
            module = import_module(f"learning.migrations.{info.name}")
            if hasattr(module, "seed_cpv_codes"):
                module.seed_cpv_codes(apps, None)
    return CpvCode.objects.get(code=code)


class ScreeningFactory(_ScopedFactory):
    """A draft screening of portable computers."""

    class Meta:
        model = Screening
        skip_postgeneration_save = True

    affiliate = SubFactory(AffiliateFactory)
    title = Sequence(lambda n: f"Laptops for schools, lot {n}")

    @factory.post_generation
    def cpv_codes(obj, create, extracted, **kwargs):
        if create:
            obj.cpv_codes.set(extracted if extracted is not None else [cpv_code()])


# --- learning: events ---


class EventFactory(factory.django.DjangoModelFactory):
    """A webinar for affiliates and partners, a week from now, an hour and a half long."""

    class Meta:
        model = Event

    title = Sequence(lambda n: f"Due diligence in ICT procurement ({n})")
    description = "How to put human-rights due diligence into a tender for laptops."
    kind = EventKind.WEBINAR
    audience = EventAudience.BOTH
    language = "en"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    )
    ends_at = LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    online_link = "https://meet.example.org/ew-webinar"
    capacity = 30


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = SubFactory(EventFactory)
    user = SubFactory(UserFactory)
    status = Registration.Status.REGISTERED


# --- Learning: self-assessment ---


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A draft version; `published_questionnaire()` gives the one affiliates answer."""

    class Meta:
        model = Questionnaire

    version = Sequence(lambda n: 100 + n)
    title_en = "Due-diligence self-assessment"
    title_fr = "Auto-évaluation du devoir de vigilance"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = SubFactory(QuestionnaireFactory)
    stage = ProcurementStage.POLICY
    order = Sequence(lambda n: n + 1)
    text_en = Sequence(lambda n: f"Is practice number {n} in place?")
    text_fr = Sequence(lambda n: f"La pratique numéro {n} est-elle en place ?")


def published_questionnaire(per_stage: int = 2) -> Questionnaire:
    """The published questionnaire, made once: `per_stage` questions in each of the six stages
    of the procurement cycle, in their order."""
    existing = Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
    if existing is not None:
        return existing
    questionnaire = QuestionnaireFactory(
        status=Questionnaire.Status.PUBLISHED, published_at=timezone.now()
    )
    for stage, label in ProcurementStage.choices:
        for number in range(1, per_stage + 1):
            QuestionFactory(
                questionnaire=questionnaire,
                stage=stage,
                order=number,
                text_en=f"{label}: question {number}?",
                text_fr=f"{label} : question {number} ?",
            )
    return questionnaire


class AssessmentFactory(_ScopedFactory):
    """A draft on the published questionnaire."""

    class Meta:
        model = Assessment

    affiliate = SubFactory(AffiliateFactory)
    questionnaire = factory.LazyFunction(published_questionnaire)


class AssessmentAnswerFactory(_ScopedFactory):
    class Meta:
        model = AssessmentAnswer

    assessment = SubFactory(AssessmentFactory)
    affiliate = LazyAttribute(lambda o: o.assessment.affiliate)
    question = LazyAttribute(lambda o: o.assessment.questionnaire.questions.order_by("pk").first())
    level = 2
    evidence = "Policy adopted by the council in 2024."


def completed_assessment(affiliate, level=2, *, completed_at=None, by=None) -> Assessment:
    """A self-assessment answered through the services and completed. `level` is the answer
    to every question, or a callable of the question giving it."""
    from django_scopes import scope

    from learning.services.assessment import answer_save, assessment_complete, assessment_start

    published_questionnaire()
    with scope(affiliate=affiliate):
        assessment = assessment_start(affiliate=affiliate, by=by)
        for question in assessment.questionnaire.questions.order_by("pk"):
            answer_save(
                assessment=assessment,
                question=question,
                level=level(question) if callable(level) else level,
                evidence="",
                by=by,
            )
        assessment = assessment_complete(assessment=assessment, by=by)
        if completed_at is not None:
            Assessment.objects.filter(pk=assessment.pk).update(completed_at=completed_at)
            assessment.refresh_from_db()
    return assessment


# For each tenant-owned model: a callable that makes a row owned by the given affiliate.
TENANT_FACTORIES = {
    Membership: lambda affiliate: MembershipFactory(affiliate=affiliate),
    Invitation: lambda affiliate: InvitationFactory(affiliate=affiliate),
    Contract: lambda affiliate: ContractFactory(affiliate=affiliate),
    ChecklistItem: lambda affiliate: ChecklistItemFactory(
        contract=ContractFactory(affiliate=affiliate)
    ),
    Disclosure: lambda affiliate: DisclosureFactory(contract=ContractFactory(affiliate=affiliate)),
    DisclosureUpload: lambda affiliate: DisclosureUploadFactory(
        disclosure=DisclosureFactory(contract=ContractFactory(affiliate=affiliate))
    ),
    ExportJob: lambda affiliate: ExportJobFactory(affiliate=affiliate),
    DisclosureLine: lambda affiliate: DisclosureLineFactory(
        disclosure=DisclosureFactory(contract=ContractFactory(affiliate=affiliate))
    ),
    # Shared rows an affiliate reads once published at a factory in its supply chain.
    Finding: lambda affiliate: _in_chain_of(affiliate, published_finding()),
    MonitoringReport: lambda affiliate: _in_chain_of(affiliate, published_finding()).report,
    ComplianceReport: lambda affiliate: ComplianceReportFactory(affiliate=affiliate),
    RemediationCase: lambda affiliate: joined_case(affiliate),
    Engagement: lambda affiliate: EngagementFactory(
        affiliate=affiliate, case=joined_case(affiliate)
    ),
    Screening: lambda affiliate: ScreeningFactory(affiliate=affiliate),
    # Learning: self-assessment (a draft, and an answer of a completed one).
    Assessment: lambda affiliate: AssessmentFactory(affiliate=affiliate),
    AssessmentAnswer: lambda affiliate: AssessmentAnswerFactory(
        assessment=AssessmentFactory(
            affiliate=affiliate,
            status=Assessment.Status.COMPLETED,
            completed_at=timezone.now(),
        )
    ),
}


def _in_chain_of(affiliate, finding):
    in_supply_chain(affiliate, finding.report.factory)
    return finding


# --- Learning: the guidance library (shared rows, not tenant-owned) ---------------------------


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = Sequence(lambda n: f"topic-{n}")
    name_en = Sequence(lambda n: f"Topic {n}")
    name_fr = Sequence(lambda n: f"Thème {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    kind = ResourceKind.GUIDANCE
    status = Resource.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ResourceVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceVersion

    resource = SubFactory(ResourceFactory)
    language = "en"
    number = 1
    title = Sequence(lambda n: f"Resource {n}")
    summary = "A short summary."
    format = ResourceVersion.Format.TEXT
    body = "Some guidance text."


def library_resource(*, title="Guidance", language="en", topics=(), **fields) -> Resource:
    """A resource with one version; `fields` go to the version (title, summary, body, …) or,
    for kind/status/stages/countries/published_at, to the resource."""
    resource_fields = {
        key: fields.pop(key)
        for key in ("kind", "status", "stages", "countries", "published_at")
        if key in fields
    }
    if resource_fields.get("status") == Resource.Status.DRAFT:
        resource_fields.setdefault("published_at", None)
    resource = ResourceFactory(**resource_fields)
    resource.topics.set(topics)
    ResourceVersionFactory(resource=resource, language=language, title=title, **fields)
    return resource


# --- Engagement: the company performance tracker (company-owned rows) -----------------------


def quarter_score(company, quarter=date(2025, 1, 1), overall="62.5", points="75.0"):
    """A score of the company for the quarter under the method in force, every indicator
    with the same working (3 of 4)."""
    from decimal import Decimal

    from engagement.models import IndicatorResult, QuarterScore
    from engagement.services.performance import scoring_method_in_force

    method = scoring_method_in_force(quarter)
    score = QuarterScore.objects.create(
        company=company,
        quarter_start=quarter,
        method=method,
        overall=None if overall is None else Decimal(overall),
        computed_at=timezone.now(),
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(
            score=score,
            indicator=indicator,
            numerator=3,
            denominator=4,
            value=Decimal("75.0"),
            points=Decimal(points),
        )
        for indicator in method.indicators.all()
    )
    return score


def score_comment(company, quarter=date(2025, 1, 1), text="The late list was our reseller's."):
    from engagement.models import ScoreComment

    author = CompanyContactFactory(company=company)
    return ScoreComment.objects.create(
        company=company, quarter_start=quarter, text=text, author=author
    )


def _company_rows():
    from engagement.models import QuarterScore, ScoreComment

    return {
        QuarterScore: lambda company: quarter_score(company),
        ScoreComment: lambda company: score_comment(company),
    }


# --- Company portal (engagement): contacts' rows -----------------------------------------


class ActionProgressFactory(factory.django.DjangoModelFactory):
    """A progress update on an action; `action=` should be owned by the author's company."""

    class Meta:
        model = ActionProgress

    action = SubFactory(RemediationActionFactory)
    text = Sequence(lambda n: f"Passports returned to {n} workers; receipts signed.")
    author = SubFactory(UserFactory)


def company_action(company, **fields) -> RemediationAction:
    """An action of a new case that `company` owns."""
    fields.setdefault("owner_name", company.name)
    return RemediationActionFactory(owner_supplier=company, **fields)


def company_disclosure(company, **fields) -> Disclosure:
    """A disclosure request of a new affiliate's contract whose contractor is `company`."""
    return DisclosureFactory(contract=ContractFactory(contractor=company), **fields)


def progress_attachment(progress, content: bytes = b"%PDF-1.4 evidence") -> ProgressAttachment:
    from django.core.files.base import ContentFile

    attachment = ProgressAttachment(
        progress=progress,
        original_name="receipts.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    attachment.file.save("x.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


# For each model a company contact reads in the portal: a callable that makes a row belonging
# to the given company (`suppliers.Supplier`). The company isolation walker
# (tests/engagement/test_company_isolation.py) tries every route on another company's rows.
COMPANY_FACTORIES = {
    Disclosure: company_disclosure,
    RemediationAction: company_action,
    ActionProgress: lambda company: ActionProgressFactory(action=company_action(company)),
    ProgressAttachment: lambda company: progress_attachment(
        ActionProgressFactory(action=company_action(company))
    ),
    **_company_rows(),
}
# --- Industry engagement: the right of reply --------------------------------------------------


def shared_finding(company=None, *, finding=None, due_date=None, **fields):
    """A finding of a validated report shared with `company` for reply (a new report each
    time, since a company has one right of reply per report)."""
    finding = finding or FindingFactory(
        report=MonitoringReportFactory(
            status=MonitoringReport.Status.VALIDATED, decided_at=timezone.now()
        )
    )
    right = RightOfReply.objects.filter(report=finding.report, company=company).first()
    if right is None:
        right = RightOfReply.objects.create(
            report=finding.report,
            company=company or SupplierFactory(is_brand=True),
            due_date=due_date or timezone.localdate() + timedelta(days=30),
            shared_by=StaffFactory(),
        )
    fields.setdefault("text_for_company", "Identity documents are kept by the employer.")
    return FindingReply.objects.create(right_of_reply=right, finding=finding, **fields)


def reply_attachment(reply, content: bytes = b"%PDF-1.4\n%%EOF\n"):
    from django.core.files.base import ContentFile

    attachment = ReplyAttachment(
        reply=reply,
        original_name="letter.pdf",
        content_type="application/pdf",
        size=len(content),
        uploaded_by=UserFactory(),
    )
    attachment.file.save("reply.pdf", ContentFile(content))
    return attachment


# Company-owned rows: a callable that makes a row belonging to the given company (the
# company-contact walker of the portal tries them as a contact of another company).
COMPANY_FACTORIES[FindingReply] = lambda company: shared_finding(company)
COMPANY_FACTORIES[RightOfReply] = lambda company: shared_finding(company).right_of_reply
COMPANY_FACTORIES[ReplyAttachment] = lambda company: reply_attachment(shared_finding(company))
# --- Industry engagement: RBA referrals and multi-stakeholder dialogue ------------------------
# (imports kept in this block so that the lead merges it with the other parts' blocks)

from engagement.models import (  # noqa: E402
    Commitment,
    Dialogue,
    DialogueMeeting,
    Organisation,
    Participant,
    RbaReferral,
)


def rba_member(**fields) -> Supplier:
    """A company that is a regular member of the Responsible Business Alliance."""
    fields.setdefault("rba_membership", Supplier.RbaMembership.REGULAR)
    fields.setdefault("rba_member_since", date(2019, 1, 1))
    fields.setdefault("is_manufacturer", True)
    return SupplierFactory(**fields)


def rba_case(**fields) -> RemediationCase:
    """A case at a factory whose owner is an RBA member."""
    case = RemediationCaseFactory(**fields)
    Factory.objects.filter(pk=case.factory_id).update(owner=rba_member())
    case.factory.refresh_from_db()
    return case


class RbaReferralFactory(factory.django.DjangoModelFactory):
    """An open referral of a case at an RBA member, due in 60 days."""

    class Meta:
        model = RbaReferral

    case = factory.LazyFunction(rba_case)
    referred_by = LazyAttribute(lambda o: o.case.staff_lead)
    referred_on = factory.LazyFunction(timezone.localdate)
    response_due = LazyAttribute(lambda o: o.referred_on + timedelta(days=60))
    shared_text = "Summary of the findings and the remediation plan, without worker identities."
    materials = factory.LazyFunction(lambda: ["findings_summary", "remediation_plan"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.TRADE_UNION
    name = Sequence(lambda n: f"Electronics Workers' Union, branch {n}")
    country = "TH"
    contact_email = Sequence(lambda n: f"union{n}@union.example")


class DialogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dialogue

    title = Sequence(lambda n: f"Round table on recruitment fees ({n})")
    format = Dialogue.Format.SERIES
    purpose = "Agree how recruitment fees are reimbursed."
    created_by = SubFactory(StaffFactory, totp=False)


class DialogueMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DialogueMeeting

    dialogue = SubFactory(DialogueFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    agenda = "1. Reimbursement timetable. 2. Passports."
    minutes_shared = "The brand agreed a timetable for the reimbursement."
    minutes_confidential = "A worker told us privately that the broker still threatens them."


def participant(dialogue, **party) -> Participant:
    """`participant(d, affiliate=a)`, `company=`, `partner=`, `organisation=` or `name=`."""
    return Participant.objects.create(dialogue=dialogue, **party)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    dialogue = SubFactory(DialogueFactory)
    owner = LazyAttribute(lambda o: participant(o.dialogue, name="Khun Malee (HR)"))
    text = Sequence(lambda n: f"Publish the reimbursement timetable ({n})")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = LazyAttribute(lambda o: o.dialogue.created_by)


def company_commitment(company) -> Commitment:
    """A commitment the company owns, in a dialogue it takes part in."""
    dialogue = DialogueFactory()
    return CommitmentFactory(dialogue=dialogue, owner=participant(dialogue, company=company))


def company_dialogue(company) -> Dialogue:
    dialogue = DialogueFactory()
    participant(dialogue, company=company)
    DialogueMeetingFactory(dialogue=dialogue)
    return dialogue


# For each model a company contact reads as its own: a row of the given company. The portal's
# part defines this dict above.
COMPANY_FACTORIES[Commitment] = company_commitment
COMPANY_FACTORIES[Dialogue] = company_dialogue


def reading_as(reader):
    """The scope in which the platform evaluates a reader's queries: EW staff through the
    bypass, an affiliate's reader in its affiliate's scope, anyone else in none (row-level
    security then shows no tenant's row)."""
    from contextlib import nullcontext

    from django_scopes import scope

    if reader.is_staff:
        return scopes_disabled()
    if reader.affiliate is not None:
        return scope(affiliate=reader.affiliate)
    return nullcontext()
