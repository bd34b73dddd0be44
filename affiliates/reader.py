"""The reader: who is reading, resolved once per request and once per task.

Every model that several audiences read has one `visible_to(reader)` queryset method holding
all its rules (DESIGN.md §4); the reader is what those methods ask about:

- `kind`: EW staff, a monitoring partner's member, a company contact, an affiliate member,
  or anonymous;
- `affiliate` and `membership` (its role): the affiliate the user reads as, on an
  affiliate's page (`/a/<slug>/`) or an affiliate-scoped API call; on such a page even a
  member of staff reads as that affiliate's member;
- `partner_id`: the monitoring partner of a partner member (an id: this app sits below
  `monitoring` and does not import it);
- `company_id`: the company (`suppliers.Supplier`) a company contact acts for, an id too.

Pages get `request.reader` from `affiliates.tenancy.TenantMiddleware`; API views
`self.reader` from `affiliates.tenancy.ReaderAPIMixin`, after DRF has authenticated the
token. Tasks and e-mails that act for an affiliate build `Reader.for_affiliate(affiliate)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Affiliate, Membership, User


class ReaderKind(StrEnum):
    STAFF = "staff"
    PARTNER = "partner"
    COMPANY = "company"
    AFFILIATE = "affiliate"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Reader:
    kind: ReaderKind
    user: User | None = None
    affiliate: Affiliate | None = None
    membership: Membership | None = None
    partner_id: int | None = None
    company_id: int | None = None

    @classmethod
    def of(cls, user, membership: Membership | None = None) -> Reader:
        """The reader for a signed-in user, reading as `membership`'s affiliate if given."""
        if user is None or not user.is_authenticated or not user.is_active:
            return cls.anonymous()
        if membership is not None:
            if membership.user_id != user.pk:
                raise ValueError("A reader reads through its own membership.")
            return cls(
                ReaderKind.AFFILIATE, user, affiliate=membership.affiliate, membership=membership
            )
        if user.is_ew_staff:
            return cls(ReaderKind.STAFF, user)
        # A reverse one-to-one: a missing row raises an AttributeError, and is cached.
        partner_membership = getattr(user, "partner_membership", None)
        if partner_membership is not None:
            return cls(ReaderKind.PARTNER, user, partner_id=partner_membership.partner_id)
        company_contact = getattr(user, "company_contact", None)
        if company_contact is not None:
            return cls(ReaderKind.COMPANY, user, company_id=company_contact.company_id)
        # Signed in, but on no affiliate's page: reads no shared row (every rule fails closed).
        return cls(ReaderKind.AFFILIATE, user)

    @classmethod
    def for_affiliate(cls, affiliate: Affiliate) -> Reader:
        """What a task or an e-mail acting for the affiliate may read; no user, no role."""
        return cls(ReaderKind.AFFILIATE, affiliate=affiliate)

    @classmethod
    def anonymous(cls) -> Reader:
        return cls(ReaderKind.ANONYMOUS)

    @property
    def is_staff(self) -> bool:
        return self.kind is ReaderKind.STAFF

    @property
    def is_partner(self) -> bool:
        return self.kind is ReaderKind.PARTNER and self.partner_id is not None

    @property
    def is_company(self) -> bool:
        return self.kind is ReaderKind.COMPANY and self.company_id is not None

    @property
    def is_affiliate(self) -> bool:
        """Reads as a member of an affiliate (one is active)."""
        return self.kind is ReaderKind.AFFILIATE and self.affiliate is not None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership is not None else None
