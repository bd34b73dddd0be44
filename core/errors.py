"""The one exception type for broken business rules, shared by every app.

Services raise `DomainError` with a message for the user; views turn it into a message on the
page, the API into a 400 answer. Nothing is written when it is raised inside a service's
transaction.
"""


class DomainError(Exception):
    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)
