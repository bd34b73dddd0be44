"""assessment."""

__all__: list[str] = []
