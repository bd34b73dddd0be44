"""Demo data: peer learning. Five threads between members of the demo affiliates, a partner and
staff, one recommended answer, one post hidden with a reason, follows in each mode.

Idempotent: a thread is found by its title and left as it is. Posts are written as rows with
past dates, not through the services, so seeding sends no e-mail.
"""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Affiliate
from monitoring.models import PartnerMembership

from ..models import Follow, FollowMode, Post, Resource, Thread, Topic

TOPICS = [
    ("due-diligence-procurement-planning", "Due diligence in procurement planning",
     "Diligence raisonnable dans la planification des achats"),
    ("supply-chain-mapping", "Supply-chain mapping",
     "Cartographie de la chaîne d’approvisionnement"),
    ("contract-management", "Contract management", "Gestion des contrats"),
    ("remediation", "Remediation", "Remédiation"),
    ("forced-labour", "Forced labour", "Travail forcé"),
    ("child-labour", "Child labour", "Travail des enfants"),
    ("migrant-workers-recruitment-fees", "Migrant workers and recruitment fees",
     "Travailleurs migrants et frais de recrutement"),
    ("industry-engagement", "Industry engagement", "Dialogue avec l’industrie"),
]  # fmt: skip

NORTHVALE_OFFICER = "officer@northvale.example"
NORTHVALE_ADMIN = "admin@northvale.example"
SOUTHPORT = "officer@southport.example"
CONSULTANT = "consultant@shared.example"
STAFF = "staff@ewatch.example"
PARTNER = "partner@monitor.example"

# (topic, title, days ago, [(author, body, extra)]); the first post is the question.
THREADS = [
    (
        "migrant-workers-recruitment-fees",
        "How did you get recruitment fees repaid to migrant workers?",
        40,
        [
            (NORTHVALE_OFFICER, "Our monitoring partner found that workers from Myanmar paid "
             "about THB 25,700 each to a broker. The brand says the fees were charged before "
             "it contracted the factory. **How did other buyers get the fees repaid?**", {}),
            (SOUTHPORT, "We asked our contractor to pass the request to the brand in writing, "
             "quoting clause 4 of the contract conditions (remediation). The brand agreed to "
             "a repayment schedule within three months, checked by the monitoring partner.", {}),
            (STAFF, "The Employer Pays Principle is the reference here: the brand should repay "
             "in full, whoever collected the fees. Ask for a repayment plan with dates, and for "
             "the monitoring partner to check with the workers that they received the money.",
             {"recommended": True}),
        ],
    ),
    (
        "supply-chain-mapping",
        "Which tier should we ask contractors to disclose for laptops?",
        25,
        [
            (SOUTHPORT, "Our new laptop framework starts in spring. Do you ask only for final "
             "assembly sites, or also for component makers (displays, batteries)?", {}),
            (NORTHVALE_ADMIN, "Final assembly is required in our tenders; we ask for the "
             "display and battery makers where the contractor knows them, and we accept "
             "\"unknown\" with a reason.", {}),
            (CONSULTANT, "Our central purchasing body asks for the same, and the disclosure "
             "template on the platform makes it easy for resellers to send the list.", {}),
        ],
    ),
    (
        "contract-management",
        "What do you do when a contractor misses the disclosure deadline?",
        12,
        [
            (NORTHVALE_OFFICER, "Our contractor is three weeks late with its list of "
             "production sites. Has anyone used a contractual step at this point?", {}),
            (SOUTHPORT, "Send them our number: +353 1 555 0147 and ask for Mary, she will "
             "tell you everything about their suppliers off the record.",
             {"hidden": "Personal contact details and off-the-record offers are not allowed "
                        "here: please share your experience instead."}),
            (SOUTHPORT, "We wrote a formal letter citing the contract conditions, with a new "
             "date two weeks later. They sent the list within ten days.", {}),
        ],
    ),
    (
        "forced-labour",
        "Retained passports: what can a buyer ask for?",
        6,
        [
            (CONSULTANT, "A finding at a factory in our supply chain says that passports are "
             "kept by the employer. What should we ask the contractor for first?", {}),
            (PARTNER, "From the workers' side: passports must be returned to each worker, "
             "with a lockable locker if they want one. We check with the workers, not only "
             "with management.", {}),
        ],
    ),
    (
        "due-diligence-procurement-planning",
        "Do you screen risks before writing the tender?",
        2,
        [
            (NORTHVALE_ADMIN, "We plan a tender for monitors next year. Do you run a risk "
             "screening before writing the specification, and what goes into it?", {}),
        ],
    ),
]  # fmt: skip

FOLLOWS = [
    (SOUTHPORT, 0, FollowMode.WEEKLY),
    (CONSULTANT, 1, FollowMode.MUTED),
    (NORTHVALE_ADMIN, 3, FollowMode.WEEKLY),
]


def _identity(user, affiliates, partners):
    """Which body a demo user writes for: staff none, a partner's member their partner, an
    affiliate member their first affiliate (the consultant: Southport)."""
    if user.is_ew_staff:
        return {"author_affiliate": None, "author_partner": None}
    if user.pk in partners:
        return {"author_affiliate": None, "author_partner": partners[user.pk]}
    slug = {
        NORTHVALE_OFFICER: "northvale",
        NORTHVALE_ADMIN: "northvale",
        SOUTHPORT: "southport",
        CONSULTANT: "southport",
    }[user.email]
    return {"author_affiliate": affiliates[slug], "author_partner": None}


def seed(*, users=None, **context):
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name_en": en, "name_fr": fr})[0]
        for slug, en, fr in TOPICS
    }
    if not users or any(email not in users for email in (NORTHVALE_OFFICER, SOUTHPORT, STAFF)):
        return {"topics": topics}
    with scopes_disabled():
        affiliates = {
            a.slug: a for a in Affiliate.objects.filter(slug__in=["northvale", "southport"])
        }
    partners = {m.user_id: m.partner for m in PartnerMembership.objects.select_related("partner")}
    staff = users[STAFF]
    resource = Resource.objects.filter(status=Resource.Status.PUBLISHED).order_by("pk").first()
    now = timezone.now()
    threads = []
    for slug, title, days_ago, posts in THREADS:
        thread = Thread.objects.filter(title=title).first()
        if thread is None:
            thread = _thread(
                topics[slug], title, now - timedelta(days=days_ago), posts, users, affiliates,
                partners, staff, resource,
            )  # fmt: skip
        threads.append(thread)
    for email, index, mode in FOLLOWS:
        if email in users:
            Follow.objects.get_or_create(
                user=users[email], thread=threads[index], defaults={"mode": mode}
            )
    return {"topics": topics}


def _thread(topic, title, asked_at, posts, users, affiliates, partners, staff, resource):
    asker = users[posts[0][0]]
    thread = Thread.objects.create(
        topic=topic,
        title=title,
        created_at=asked_at,
        last_activity_at=asked_at,
        author=asker,
        **_identity(asker, affiliates, partners),
    )
    for number, (email, body, extra) in enumerate(posts):
        if email not in users:
            continue
        author = users[email]
        when = asked_at + timedelta(hours=20 * number)
        post = Post.objects.create(
            thread=thread,
            opening=number == 0,
            body=body,
            created_at=when,
            author=author,
            recommended=extra.get("recommended", False),
            **_identity(author, affiliates, partners),
        )
        if "hidden" in extra:
            post.hidden = True
            post.hidden_reason = extra["hidden"]
            post.hidden_by = staff
            post.hidden_at = when + timedelta(hours=2)
            post.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
        if resource is not None and extra.get("recommended"):
            post.quoted_resources.add(resource)
        thread.last_activity_at = when
        Follow.objects.get_or_create(user=author, thread=thread)
    thread.save(update_fields=["last_activity_at"])
    return thread
