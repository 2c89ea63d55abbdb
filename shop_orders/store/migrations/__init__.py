"""Alembic migrations: the only way the schema changes. Run through store/migrate.py."""
