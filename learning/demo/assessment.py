"""Demo data: the self-assessment questionnaire (version 1, published; three questions per stage
of the procurement cycle, in English and French), Northvale's progress (two completed
self-assessments a year apart and a draft), and completed ones at four other affiliates so that
the median of affiliates shows (it needs five). Idempotent: an affiliate that has any
self-assessment is left alone."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from affiliates.models import Affiliate, User

from ..models import Assessment, ProcurementStage, Question, Questionnaire
from ..services.assessment import answer_save, assessment_complete

S = ProcurementStage
QUESTIONS = [
    (
        S.POLICY,
        "Has your organisation publicly committed to respect human rights in its supply chains, "
        "including the ILO core labour standards?",
        "Votre organisation s'est-elle engagée publiquement à respecter les droits humains dans "
        "ses chaînes d'approvisionnement, y compris les normes fondamentales du travail de l'OIT ?",
        "For instance a procurement policy or a sustainable procurement strategy adopted by the "
        "governing body.",
        "Par exemple une politique d'achat ou une stratégie d'achats durables adoptée par "
        "l'organe de direction.",
    ),
    (
        S.POLICY,
        "Is responsibility for human-rights due diligence in procurement given to a named person "
        "or team, with time and budget?",
        "La responsabilité du devoir de vigilance dans les achats est-elle confiée à une personne "
        "ou une équipe désignée, avec du temps et un budget ?",
        "",
        "",
    ),
    (
        S.POLICY,
        "Are buyers trained on the labour risks of electronics supply chains: forced labour, "
        "recruitment fees, excessive working hours?",
        "Les acheteurs sont-ils formés aux risques sociaux des chaînes d'approvisionnement "
        "électroniques : travail forcé, frais de recrutement, heures excessives ?",
        "",
        "",
    ),
    (
        S.PLANNING,
        "Before a tender, do you assess the risk of labour abuses for the product category, for "
        "example ICT hardware or batteries?",
        "Avant un appel d'offres, évaluez-vous le risque d'atteintes aux droits du travail pour "
        "la catégorie de produits, par exemple le matériel informatique ou les batteries ?",
        "",
        "",
    ),
    (
        S.PLANNING,
        "Do you know the production sites of the products you buy, or ask contractors to "
        "disclose them?",
        "Connaissez-vous les sites de production des produits que vous achetez, ou demandez-vous "
        "aux titulaires de les divulguer ?",
        "",
        "",
    ),
    (
        S.PLANNING,
        "Do you use monitoring findings and country risk information to set priorities among "
        "your contracts?",
        "Utilisez-vous les constats de surveillance et les informations de risque par pays pour "
        "fixer des priorités parmi vos marchés ?",
        "",
        "",
    ),
    (
        S.TENDER,
        "Do your ICT tenders include the Electronics Watch Contract Conditions or equivalent "
        "labour clauses?",
        "Vos appels d'offres informatiques incluent-ils les conditions contractuelles "
        "d'Electronics Watch ou des clauses sociales équivalentes ?",
        "The Contract Conditions exist in national versions for several countries.",
        "Les conditions contractuelles existent en versions nationales pour plusieurs pays.",
    ),
    (
        S.TENDER,
        "Do the contract conditions require the contractor to disclose the factories making the "
        "products supplied?",
        "Les conditions du marché obligent-elles le titulaire à divulguer les usines qui "
        "fabriquent les produits fournis ?",
        "",
        "",
    ),
    (
        S.TENDER,
        "Do the contract conditions require remedy for workers, including the reimbursement of "
        "recruitment fees?",
        "Les conditions du marché exigent-elles une réparation pour les travailleurs, y compris "
        "le remboursement des frais de recrutement ?",
        "",
        "",
    ),
    (
        S.CONTRACT_MANAGEMENT,
        "Do you follow up disclosures of production sites within the deadline set in the contract?",
        "Assurez-vous le suivi de la divulgation des sites de production dans le délai fixé par "
        "le marché ?",
        "",
        "",
    ),
    (
        S.CONTRACT_MANAGEMENT,
        "Do you support independent, worker-driven monitoring of the factories in your supply "
        "chain?",
        "Soutenez-vous une surveillance indépendante, centrée sur les travailleurs, des usines de "
        "votre chaîne d'approvisionnement ?",
        "",
        "",
    ),
    (
        S.CONTRACT_MANAGEMENT,
        "Do you review compliance with the contractor at regular contract-management meetings?",
        "Examinez-vous la conformité avec le titulaire lors de réunions régulières de suivi du "
        "marché ?",
        "",
        "",
    ),
    (
        S.REMEDIATION,
        "When a violation is found, do you engage the contractor and the brand to agree a "
        "time-bound remediation plan?",
        "Lorsqu'une violation est constatée, engagez-vous le titulaire et la marque à convenir "
        "d'un plan de remédiation assorti de délais ?",
        "",
        "",
    ),
    (
        S.REMEDIATION,
        "Do you join other public buyers sourcing from the same factory to combine your leverage?",
        "Vous associez-vous aux autres acheteurs publics qui s'approvisionnent auprès de la même "
        "usine pour conjuguer votre influence ?",
        "",
        "",
    ),
    (
        S.REMEDIATION,
        "Is your escalation path written down: informal engagement, contractual steps, and "
        "sanctions as a last resort?",
        "Votre procédure d'escalade est-elle écrite : dialogue informel, mesures contractuelles, "
        "et sanctions en dernier recours ?",
        "",
        "",
    ),
    (
        S.REPORTING,
        "Do you publish a yearly statement on human-rights due diligence in your procurement?",
        "Publiez-vous chaque année une déclaration sur le devoir de vigilance en matière de "
        "droits humains dans vos achats ?",
        "For instance a modern slavery statement.",
        "Par exemple une déclaration sur l'esclavage moderne.",
    ),
    (
        S.REPORTING,
        "Do you report internally on the contracts with labour conditions and on the findings at "
        "their factories?",
        "Rendez-vous compte en interne des marchés comportant des clauses sociales et des "
        "constats dans leurs usines ?",
        "",
        "",
    ),
    (
        S.REPORTING,
        "Do you measure the effectiveness of your due diligence with indicators, such as the "
        "share of sites disclosed or cases remediated?",
        "Mesurez-vous l'efficacité de votre devoir de vigilance avec des indicateurs, comme la "
        "part de sites divulgués ou de cas remédiés ?",
        "",
        "",
    ),
]

OTHER_AFFILIATES = [
    ("eastmoor", "Region of Eastmoor", "NL", Affiliate.Type.REGION, 2),
    ("lakeland-purchasing", "Lakeland Purchasing Consortium", "SE", Affiliate.Type.CENTRAL, 1),
    ("harbourside-health", "Harbourside Health Trust", "BE", Affiliate.Type.HOSPITAL, 1),
]


def _questionnaire() -> Questionnaire:
    questionnaire, created = Questionnaire.objects.get_or_create(
        version=1,
        defaults={
            "title_en": "Due-diligence self-assessment",
            "title_fr": "Auto-évaluation du devoir de vigilance",
            "status": Questionnaire.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=600),
        },
    )
    if created:
        orders: dict[str, int] = {}
        for stage, text_en, text_fr, help_en, help_fr in QUESTIONS:
            orders[stage] = orders.get(stage, 0) + 1
            Question.objects.create(
                questionnaire=questionnaire,
                stage=stage,
                order=orders[stage],
                text_en=text_en,
                text_fr=text_fr,
                help_en=help_en,
                help_fr=help_fr,
            )
    return questionnaire


def _answer(assessment, questions, levels, by, evidence=""):
    for question, level in zip(questions, levels, strict=False):
        answer_save(assessment=assessment, question=question, level=level, evidence=evidence, by=by)


def _completed(affiliate, questionnaire, levels, *, by, days_ago, evidence=""):
    questions = list(questionnaire.questions.order_by("pk"))
    with scope(affiliate=affiliate):
        assessment = Assessment.objects.create(
            affiliate=affiliate, questionnaire=questionnaire, started_by=by
        )
        _answer(assessment, questions, levels, by, evidence)
        assessment_complete(assessment=assessment, by=by)
        when = timezone.now() - timedelta(days=days_ago)
        Assessment.objects.filter(pk=assessment.pk).update(
            started_at=when - timedelta(days=6), completed_at=when
        )
    return assessment


def seed(**context):
    questionnaire = _questionnaire()
    with scopes_disabled():
        done = set(Assessment.objects.values_list("affiliate_id", flat=True).distinct())
    officer = User.objects.filter(email="officer@northvale.example").first()
    northvale = Affiliate.objects.filter(slug="northvale").first()
    if northvale is not None and northvale.pk not in done:
        # A year ago: mostly starting. Two months ago: developing to established.
        _completed(
            northvale,
            questionnaire,
            [1, 0, 0, 1, 0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0],
            by=officer,
            days_ago=420,
        )
        _completed(
            northvale,
            questionnaire,
            [3, 2, 1, 2, 2, 1, 3, 3, 2, 2, 2, 1, 1, 2, 0, 1, 2, 1],
            by=officer,
            days_ago=60,
            evidence="See the procurement strategy 2025–2028.",
        )
        with scope(affiliate=northvale):
            draft = Assessment.objects.create(
                affiliate=northvale, questionnaire=questionnaire, started_by=officer
            )
            _answer(draft, list(questionnaire.questions.order_by("pk")), [3, 3, 2, 2, 3], officer)
    southport = Affiliate.objects.filter(slug="southport").first()
    if southport is not None and southport.pk not in done:
        _completed(southport, questionnaire, [2, 1, 1] * 6, by=None, days_ago=90)
    for slug, name, country, kind, level in OTHER_AFFILIATES:
        affiliate, _created = Affiliate.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "country": country,
                "affiliate_type": kind,
                "affiliated_on": timezone.localdate() - timedelta(days=900),
            },
        )
        if affiliate.pk not in done:
            _completed(
                affiliate, questionnaire, [level, level + 1, level - 1] * 6, by=None, days_ago=120
            )
    return {"questionnaire": questionnaire}
