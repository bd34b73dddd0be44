"""Demo data: events."""


def seed(**context):
    return {}
