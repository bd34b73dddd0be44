"""What an officer should do next on a disclosure, for the "Next step" box of its page.

Submitting the list is the contractor's step (through the link the officer e-mails); the
officer's own steps are to ask for the list, or upload it, and to review what was submitted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Disclosure
from .services import EDITABLE_STATUSES


@dataclass(frozen=True)
class NextStep:
    kind: str  # "review", "wait", "upload", "complete", "confirmation", "done", "read_only"
    title: str
    detail: str


def link_is_live(disclosure: Disclosure) -> bool:
    expires = disclosure.contractor_token_expires_at
    return bool(disclosure.contractor_token_digest and expires and expires > timezone.now())


def officer_next_step(disclosure: Disclosure, *, line_count: int, can_edit: bool) -> NextStep:
    status = disclosure.Status
    if disclosure.status == status.SUBMITTED:
        title = ngettext(
            "Review the %(count)s line the contractor submitted",
            "Review the %(count)s lines the contractor submitted",
            line_count,
        ) % {"count": line_count}
        if not can_edit:
            return NextStep("read_only", title, _("An editor of your organisation decides."))
        return NextStep(
            "review",
            title,
            _("Accept the list if it is complete, or return it to the contractor with comments."),
        )
    if disclosure.status in EDITABLE_STATUSES:
        if link_is_live(disclosure):
            step = NextStep(
                "wait",
                _("Waiting for the contractor to submit"),
                _(
                    "The contractor has a link to enter its production sites, sent to "
                    "%(email)s; the list is due on %(due)s. You are told when it arrives."
                )
                % {
                    "email": disclosure.contractor_email,
                    "due": _format_date(disclosure.due_date),
                },
            )
        elif line_count:
            step = NextStep(
                "complete",
                ngettext(
                    "Complete the list: %(count)s line so far",
                    "Complete the list: %(count)s lines so far",
                    line_count,
                )
                % {"count": line_count},
                _(
                    "Upload the rest of the list or add sites, or e-mail the contractor a link "
                    "so that it submits the list itself."
                ),
            )
        else:
            step = NextStep(
                "upload",
                _("Upload the list"),
                _(
                    "Upload the contractor's list of production sites below, or e-mail the "
                    "contractor a link so that it enters and submits the list itself."
                ),
            )
        if not can_edit:
            return NextStep("read_only", step.title, _("An editor of your organisation acts."))
        return step
    if disclosure.awaits_confirmation:
        return NextStep(
            "confirmation",
            _("Nothing for you to do: Electronics Watch confirms the sites"),
            _(
                "You entered these sites yourself, so Electronics Watch confirms them with the "
                "contractor before they count as your supply chain."
            ),
        )
    return NextStep("done", _("Nothing for you to do"), _("This disclosure is accepted."))


def _format_date(day) -> str:
    return date_format(day, "DATE_FORMAT")
