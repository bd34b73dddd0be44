"""Who may read which remediation rows (DESIGN.md §4), in one place.

- EW staff read every case, every timeline entry and every affiliate's engagement.
- A monitoring partner's members read the cases their organisation leads: the plan and the
  entries for partners and affiliates, never the internal ones.
- An affiliate reads the cases at factories in its supply chain and those it was invited to.
  Until it joins, only their summary; once joined, the plan and the entries for affiliates.
  Linked grievances and internal entries never reach it.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone


class CaseQuerySet(models.QuerySet):
    def for_partner(self, user):
        membership = getattr(user, "partner_membership", None)
        if membership is None:
            return self.none()
        return self.filter(lead_partner_id=membership.partner_id)

    def visible_to_affiliate(self, affiliate):
        from suppliers.models import Factory

        from .models import Participation

        invited = Participation.objects.filter(case=OuterRef("pk"), affiliate=affiliate)
        return self.filter(
            Q(factory__in=Factory.objects.in_supply_chain_of(affiliate)) | Q(Exists(invited))
        )

    def joined_by(self, affiliate):
        from .models import Participation

        return self.filter(
            Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), affiliate=affiliate, joined_on__isnull=False
                )
            )
        )

    def with_participation_of(self, affiliate):
        """`joined`: whether this affiliate has joined, for lists that show both kinds."""
        from .models import Participation

        return self.annotate(
            joined=Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), affiliate=affiliate, joined_on__isnull=False
                )
            )
        )

    def active(self):
        from .models import ACTIVE_CASE_STATUSES

        return self.filter(status__in=ACTIVE_CASE_STATUSES)

    def with_action_counts(self, today: date | None = None):
        from .models import OPEN_ACTION_STATUSES

        today = today or timezone.localdate()
        return self.annotate(
            action_count=Count("actions", distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_date__lt=today),
                distinct=True,
            ),
        )


class ActionQuerySet(models.QuerySet):
    def open(self):
        from .models import OPEN_ACTION_STATUSES

        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def in_active_cases(self):
        from .models import ACTIVE_CASE_STATUSES

        return self.filter(case__status__in=ACTIVE_CASE_STATUSES)


class UpdateQuerySet(models.QuerySet):
    def for_staff(self):
        return self

    def for_partners(self):
        from .models import Audience

        return self.filter(audience__in=[Audience.PARTNERS, Audience.AFFILIATES])

    def for_affiliates(self):
        from .models import Audience

        return self.filter(audience=Audience.AFFILIATES)
