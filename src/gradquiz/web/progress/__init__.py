"""The progress page: mastery, trend, history and what is due."""
