"""Demo data: screening."""


def seed(**context):
    return {}
