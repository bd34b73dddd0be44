"""One module per area of capacity building; the library's resources are shared by the others
(event recordings, quoted resources, recommendations)."""

# The audit trail (core/audit.py). Left out: bookmarks and follows (personal), resource use
# (a counter), community digests (a ledger), CPV codes (a reference table).
from core import audit

from . import assessment, community, events, library, screening
from .assessment import *  # noqa: F403
from .community import *  # noqa: F403
from .events import *  # noqa: F403
from .library import *  # noqa: F403
from .screening import *  # noqa: F403

audit.track(
    library.Topic,
    library.Resource,
    library.ResourceVersion,
    assessment.Questionnaire,
    assessment.Question,
    assessment.Assessment,
    assessment.Answer,
    community.Thread,
    community.Post,
    community.PostReport,
    events.Event,
    events.Registration,
    screening.Screening,
)
