"""screening."""

__all__: list[str] = []
