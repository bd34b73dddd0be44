"""Demo data: community."""


def seed(**context):
    return {}
