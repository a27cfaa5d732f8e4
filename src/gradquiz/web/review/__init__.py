"""Spaced review: what is due and the review sets."""
