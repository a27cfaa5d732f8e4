"""Persistence: SQLAlchemy models, keyword-only repository functions, Alembic migrations."""
