"""How often attempts may be started, per browser and per client address (the `limits` package).

Counters live in memory by default, which is right for one process; with several processes
set GRADQUIZ_RATE_LIMIT_STORAGE to a shared store (redis://host:6379) so they count together.
"""

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from gradquiz.config import Settings
from gradquiz.errors import TooManyRequests
from gradquiz.web.identity import client_address


class StartLimits:
    """Refuses an attempt start once its browser or its address has started too many."""

    def __init__(self, settings: Settings) -> None:
        self.per_identity: RateLimitItem = parse(settings.start_limit_per_identity)
        self.per_address: RateLimitItem = parse(settings.start_limit_per_address)
        # A sliding-window counter costs the same however many starts it has counted.
        storage = storage_from_string(settings.rate_limit_storage)
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.prefix = settings.rate_limit_prefix

    def check(self, request: Request, learner: str | None) -> None:
        """Count one start for this request; raise TooManyRequests past either limit.

        `learner` is None for a browser that has no identity yet: its first start counts
        against its address only, so the counters do not grow with every new browser.
        """
        address = client_address(request)
        checks = [(self.per_address, "address", address)]
        if learner:
            checks.append((self.per_identity, "identity", learner[:32]))
        for limit, kind, key in checks:
            if not self.limiter.hit(limit, self.prefix, "start", kind, key):
                stats = self.limiter.get_window_stats(limit, self.prefix, "start", kind, key)
                reset = stats.reset_time
                raise TooManyRequests(
                    f"Too many exams started from this {_WHO[kind]}; try again in a minute.",
                    retry_after=reset,
                )


_WHO = {"address": "network address", "identity": "browser"}
