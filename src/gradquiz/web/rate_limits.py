"""How often one browser (or account) and one client address may make what costs the server
something to keep: exam attempts, practice sets, accounts, class memberships and LTI logins
and launches (the `limits` package).

Counters live in memory by default, which is right for one process; with several processes
set GRADQUIZ_RATE_LIMIT_STORAGE to a shared store (redis://host:6379) so they count together.
"""

import math
import time
from dataclasses import dataclass
from enum import StrEnum

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from gradquiz.config import Settings
from gradquiz.errors import TooManyRequests
from gradquiz.web.identity import client_address


class Action(StrEnum):
    """What is counted; the value names its counters in the store."""

    START = "start"
    PRACTICE = "practice"
    SIGN_UP = "sign-up"
    JOIN = "join"
    LTI_LOGIN = "lti-login"
    LTI_LAUNCH = "lti-launch"


@dataclass(frozen=True)
class Rule:
    """An action's limits per browser or account and per address, and what a refusal says."""

    per_identity: list[RateLimitItem]
    per_address: list[RateLimitItem]
    too_many: str  # "Too many {too_many} from this browser"
    identity: str = "browser"  # what the identity is, in a refusal


class RateLimits:
    """Refuses an action once its browser or account, or its address, has done it too often."""

    def __init__(self, settings: Settings) -> None:
        self.rules = {
            Action.START: Rule(
                parse_many(settings.start_limit_per_identity),
                parse_many(settings.start_limit_per_address),
                "exams started",
            ),
            Action.PRACTICE: Rule(
                parse_many(settings.practice_limit_per_identity),
                parse_many(settings.practice_limit_per_address),
                "practice sets made",
            ),
            Action.SIGN_UP: Rule(
                parse_many(settings.sign_up_limit_per_identity),
                parse_many(settings.sign_up_limit_per_address),
                "accounts made",
            ),
            Action.JOIN: Rule(
                parse_many(settings.join_limit_per_identity),
                parse_many(settings.join_limit_per_address),
                "class codes tried",
                identity="account",
            ),
            # Anonymous: counted per address only.
            Action.LTI_LOGIN: Rule([], parse_many(settings.lti_limit_per_address), "LMS logins"),
            Action.LTI_LAUNCH: Rule([], parse_many(settings.lti_limit_per_address), "LMS launches"),
        }
        # A sliding-window counter costs the same however many hits it has counted.
        storage = storage_from_string(settings.rate_limit_storage)
        self.limiter = SlidingWindowCounterRateLimiter(storage)
        self.prefix = settings.rate_limit_prefix

    def check(self, request: Request, action: Action, identity: str | None) -> None:
        """Count one `action` for this request; raise TooManyRequests past any limit.

        `identity` is the learner's owner key or account id; None for a browser that has
        none yet: it counts against its address only, so the counters do not grow with
        every new browser.
        """
        rule = self.rules[action]
        who = {"address": "network address", "identity": rule.identity}
        checks = [(limit, "address", client_address(request)) for limit in rule.per_address]
        if identity:
            checks += [(limit, "identity", identity[:32]) for limit in rule.per_identity]
        for limit, kind, key in checks:
            if not self.limiter.hit(limit, self.prefix, action.value, kind, key):
                stats = self.limiter.get_window_stats(limit, self.prefix, action.value, kind, key)
                raise TooManyRequests(
                    f"Too many {rule.too_many} from this {who[kind]}; "
                    f"try again {_in(stats.reset_time - time.time())}.",
                    retry_after=stats.reset_time,
                )


def check(request: Request, action: Action, identity: str | None) -> None:
    """Count one `action` against the app's limits; TooManyRequests past any of them."""
    limits: RateLimits = request.app.state.rate_limits
    limits.check(request, action, identity)


def _in(seconds: float) -> str:
    if seconds <= 60:
        return "in a minute"
    if seconds <= 3600:
        return f"in {math.ceil(seconds / 60)} minutes"
    hours = math.ceil(seconds / 3600)
    return "in an hour" if hours == 1 else f"in {hours} hours"
