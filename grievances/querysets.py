"""Who may see which grievance, in one place: pages, API and downloads all go through here."""

from django.db import models


class GrievanceQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff see every grievance, a partner member its organisation's, anyone else none.

        Affiliates never see grievances (DESIGN.md §4.3): they get counts, see
        `grievances.selectors.grievance_counts_by_factory`.
        """
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(partner_id=reader.partner_id)
        return self.none()

    def open(self):
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today):
        from .models import Status

        return self.open().filter(
            models.Q(status=Status.RECEIVED, ack_due__lt=today) | models.Q(feedback_due__lt=today)
        )

    def with_next_deadline(self):
        """`next_due`: the acknowledgement date while unacknowledged, else the feedback date;
        none once the grievance is referred or closed."""
        from .models import OPEN_STATUSES, Status

        return self.annotate(
            next_due=models.Case(
                models.When(status=Status.RECEIVED, then=models.F("ack_due")),
                models.When(status__in=OPEN_STATUSES, then=models.F("feedback_due")),
                default=None,
                output_field=models.DateField(),
            )
        )
