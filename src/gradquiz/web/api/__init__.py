"""The JSON API under /api/v1 and the shapes it answers with."""
