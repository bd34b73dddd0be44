"""Demo data: assessment."""


def seed(**context):
    return {}
