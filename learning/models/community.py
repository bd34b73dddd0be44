"""community."""

__all__: list[str] = []
