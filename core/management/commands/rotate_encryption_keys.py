"""Re-encrypt every encrypted column under the first key of `EW_ENCRYPTION_KEYS`."""

from django.db import connection, transaction
from django_scopes import scopes_disabled

from core import encryption
from core.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Re-encrypt every encrypted value under the newest key (the first of "
        "EW_ENCRYPTION_KEYS). Run it after putting a new key first; then drop the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        with scopes_disabled():
            for model, field in encryption.encrypted_fields():
                total += self._rotate(model, field.attname, batch_size)
        self.stdout.write(f"Re-encrypted {total} values.")

    def _rotate(self, model, column, batch_size) -> int:
        # The ORM would decrypt on read; rotation works on the stored tokens, so plain SQL.
        table = model._meta.db_table
        pk = model._meta.pk.column
        done = 0
        last = None
        quote = connection.ops.quote_name
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                where = f"WHERE {quote(column)} <> ''" + (
                    f" AND {quote(pk)} > %s" if last is not None else ""
                )
                cursor.execute(
                    f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} {where} "  # noqa: S608
                    f"ORDER BY {quote(pk)} LIMIT %s FOR UPDATE",
                    ([last] if last is not None else []) + [batch_size],
                )
                rows = cursor.fetchall()
                for key, token in rows:
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608
                        f"WHERE {quote(pk)} = %s",
                        [encryption.rotate(token), key],
                    )
            if not rows:
                return done
            done += len(rows)
            last = rows[-1][0]
