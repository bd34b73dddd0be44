"""Django's PostgreSQL backend, plus `core.rls.tenant_guard` around every query.

`ew.tenant` is a session setting, and PostgreSQL undoes a setting made inside a transaction
(or a savepoint) that rolls back: after any rollback the connection forgets what it had set,
so that the next query sets it again.
"""

from django.db.backends.postgresql import base

from core import rls


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ew_tenant = None
        self.execute_wrappers.append(rls.tenant_guard)

    def get_new_connection(self, conn_params):
        self.ew_tenant = None
        return super().get_new_connection(conn_params)

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.ew_tenant = None

    def _savepoint_rollback(self, sid):
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self.ew_tenant = None
