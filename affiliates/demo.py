"""Demo data for affiliates and accounts; `manage.py seed_demo` runs every app's `demo.seed`.

Idempotent: objects are found by their natural keys (e-mail, slug) and updated, never
duplicated; passwords are set only when an account is created, so a changed one survives.
`scale` adds that many generated affiliates with members, in bulk, for benchmarks.
"""

from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_scopes import scopes_disabled

from .demo_accounts import DEMO_PASSWORD
from .models import Affiliate, Membership, User

AFFILIATES = [
    {
        "slug": "northvale",
        "name": "City of Northvale",
        "country": "GB",
        "affiliate_type": Affiliate.Type.MUNICIPALITY,
        "affiliated_on": date(2019, 3, 1),
        "contact_name": "Alex Morgan",
        "contact_email": "procurement@northvale.example",
    },
    {
        "slug": "southport",
        "name": "Southport University",
        "country": "IE",
        "affiliate_type": Affiliate.Type.UNIVERSITY,
        "affiliated_on": date(2021, 9, 15),
        "contact_name": "Sam Byrne",
        "contact_email": "purchasing@southport.example",
    },
]

USERS = [
    {
        "email": "staff@ewatch.example",
        "full_name": "Erin Walsh",
        "is_ew_staff": True,
        "is_staff": True,
        "is_superuser": True,
    },
    {"email": "admin@northvale.example", "full_name": "Alex Morgan"},
    {"email": "officer@northvale.example", "full_name": "Noor Haddad"},
    {"email": "officer@southport.example", "full_name": "Sam Byrne"},
    {"email": "partner@monitor.example", "full_name": "Lan Nguyen"},
    {"email": "consultant@shared.example", "full_name": "Chris Dupont"},
]

MEMBERSHIPS = [
    ("admin@northvale.example", "northvale", Membership.Role.ADMIN),
    ("officer@northvale.example", "northvale", Membership.Role.OFFICER),
    ("officer@southport.example", "southport", Membership.Role.ADMIN),
    ("consultant@shared.example", "northvale", Membership.Role.VIEWER),
    ("consultant@shared.example", "southport", Membership.Role.OFFICER),
]


_password_hashes: dict[str, str] = {}


def demo_password_hash() -> str:
    """One hash of the published demo password for every demo account: each hash costs the
    hasher's full work (a second or more), and the password is in the README anyway."""
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _password_hashes:
        _password_hashes[hasher] = make_password(DEMO_PASSWORD)
    return _password_hashes[hasher]


def demo_user(email: str, **fields) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={**fields, "password": demo_password_hash()}
    )
    if not created:
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(*, scale: int = 0, stdout=None, **context) -> dict:
    with scopes_disabled():
        affiliates = {}
        for data in AFFILIATES:
            slug = data["slug"]
            fields = {k: v for k, v in data.items() if k != "slug"}
            affiliates[slug], _created = Affiliate.objects.update_or_create(
                slug=slug, defaults=fields
            )
        users = {data["email"]: demo_user(**data) for data in USERS}
        for email, slug, role in MEMBERSHIPS:
            Membership.objects.update_or_create(
                user=users[email], affiliate=affiliates[slug], defaults={"role": role}
            )
        if scale:
            _seed_scale(scale)
    return {"affiliates": affiliates, "users": users}


def _seed_scale(count: int) -> None:
    """Generated affiliates `gen-0001`… with three members each, created in bulk."""
    existing = set(Affiliate.objects.filter(slug__startswith="gen-").values_list("slug", flat=True))
    new = [
        Affiliate(
            slug=f"gen-{n:05d}",
            name=f"Generated Public Buyer {n:05d}",
            country="DE",
            affiliate_type=Affiliate.Type.OTHER,
            affiliated_on=date(2020, 1, 1),
        )
        for n in range(1, count + 1)
        if f"gen-{n:05d}" not in existing
    ]
    Affiliate.objects.bulk_create(new, batch_size=1000)  # PostgreSQL sets the new pks
    password = demo_password_hash()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{role}@{a.slug}.example",
                full_name=f"{role.title()} {a.slug}",
                password=password,
            )
            for a in new
            for role in Membership.Role.values
        ],
        batch_size=1000,
    )
    by_email = {u.email: u for u in users}
    Membership.objects.bulk_create(
        [
            Membership(affiliate=a, user=by_email[f"{role}@{a.slug}.example"], role=role)
            for a in new
            for role in Membership.Role.values
        ],
        batch_size=1000,
    )
