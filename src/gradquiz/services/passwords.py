"""Password hashes: argon2id (argon2-cffi), at most one hash per core at a time."""

import os
import secrets
import threading
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hashes and checks passwords; an unknown username costs as much as a known one."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        # RFC 9106's second recommended option: argon2id, 64 MiB, 3 passes, 4 lanes.
        self.hasher = hasher or PasswordHasher()
        # Each hash holds 64 MiB; a burst of sign-ins queues here instead of swapping.
        self._slots = threading.BoundedSemaphore(os.cpu_count() or 1)

    def hash(self, password: str) -> str:
        """A salted argon2id hash of the password."""
        with self._slots:
            return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with no hash stored, as slow and always False."""
        against = stored or self._dummy
        with self._slots:
            try:
                matched = self.hasher.verify(against, password)
            except (VerificationError, InvalidHashError):
                return False
        return matched and stored is not None

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than the hasher's."""
        return self.hasher.check_needs_rehash(stored)

    @cached_property
    def _dummy(self) -> str:
        # Made on first use; two threads racing to make it both get a valid hash.
        return self.hash(secrets.token_urlsafe(16))
