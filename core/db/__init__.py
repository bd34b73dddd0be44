"""The database backend: Django's PostgreSQL backend with row-level security's guard."""
