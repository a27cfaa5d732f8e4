"""Anonymous browser identities and the owner key stored in their place."""

import hashlib
import secrets


def new_identity() -> str:
    """A random, unguessable token identifying an anonymous learner's browser."""
    return secrets.token_urlsafe(32)


def owner_key(identity: str) -> str:
    """What is stored for an identity: its hash, so a leaked table names no usable cookie."""
    return hashlib.sha256(identity.encode()).hexdigest()
