"""One module per area of capacity building; the library's resources are shared by the others
(event recordings, quoted resources, recommendations)."""

from .assessment import *  # noqa: F403
from .community import *  # noqa: F403
from .events import *  # noqa: F403
from .library import *  # noqa: F403
from .screening import *  # noqa: F403
