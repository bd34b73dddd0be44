import pytest

from grievances.models import Channel
from grievances.services import Intake, grievance_submit

DESCRIPTION = "The agent keeps my passport and wants 40000 baht before he gives it back."
CONTACT = "LINE id somchai-1987, phone +66 81 234 5678"


def submit(**fields):
    """A web grievance; returns (grievance, receipt code)."""
    intake = {
        "language": "th",
        "description": DESCRIPTION,
        "categories": ["documents", "fees"],
        "workplace": "Rojana Industrial Park, building 2",
        "country": "TH",
        "wants_contact": True,
        "contact_method": "messaging",
        "contact_details": CONTACT,
        **fields.pop("intake", {}),
    }
    return grievance_submit(
        intake=Intake(**intake), channel=fields.pop("channel", Channel.WEB), **fields
    )


@pytest.fixture
def grievance(db):
    return submit()
