"""One module per area of industry engagement."""

# The audit trail (core/audit.py).
from core import audit

from . import contacts, dialogue, performance, referrals
from .contacts import *  # noqa: F403
from .dialogue import *  # noqa: F403
from .performance import *  # noqa: F403
from .referrals import *  # noqa: F403

audit.track(
    contacts.CompanyContact,
    contacts.CompanyInvitation,
    dialogue.Organisation,
    dialogue.Dialogue,
    dialogue.DialogueMeeting,
    dialogue.Participant,
    dialogue.Commitment,
    performance.ScoringMethod,
    performance.MethodIndicator,
    performance.QuarterScore,
    performance.IndicatorResult,
    performance.ScoreComment,
    referrals.RbaReferral,
)
