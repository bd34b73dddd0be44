"""One module per area of industry engagement."""

from .contacts import *  # noqa: F403
from .dialogue import *  # noqa: F403
from .performance import *  # noqa: F403
from .referrals import *  # noqa: F403
