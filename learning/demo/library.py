"""Demo data: library."""


def seed(**context):
    return {}
