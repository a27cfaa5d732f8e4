"""Loading, validating and rendering content packs."""
