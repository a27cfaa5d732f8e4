"""RSA keys for tests, made once per process and handed out in turn.

Making a 2048-bit key takes 0.06-0.1 s of CPU, and each LTI test needed two or three (the
simulated platform's and the tool's own, one per test database): 16 s of the LTI launch
tests' CPU went on them. A pool hands out its keys in turn, so the keys one test asks for
are distinct as long as it asks for at most POOL_SIZE from one pool; the platform and the
tool draw from separate pools, so no platform key is ever the tool's.
"""

from cryptography.hazmat.primitives.asymmetric import rsa

POOL_SIZE = 4


class KeyPool:
    """Up to POOL_SIZE keys, made as first asked for, then handed out again in turn."""

    def __init__(self) -> None:
        self._keys: list[rsa.RSAPrivateKey] = []
        self._taken = 0

    def take(self) -> rsa.RSAPrivateKey:
        if len(self._keys) < POOL_SIZE:
            self._keys.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        key = self._keys[self._taken % POOL_SIZE]
        self._taken += 1
        return key


PLATFORM_KEYS = KeyPool()
TOOL_KEYS = KeyPool()
