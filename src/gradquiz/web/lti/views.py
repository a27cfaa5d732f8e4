"""What the LTI pages show: refusals naming the fault, and the tool's configuration."""

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from gradquiz.errors import GradquizError
from gradquiz.services.lti_grades import ROSTER_SCOPE, SCORE_SCOPE
from gradquiz.web.templating import render_page

FRAMED_COOKIE = "gradquiz_lti_framed"
# The scopes gradquiz uses, and no more: posting scores to the line item deep linking made
# (the platform makes the column, so no lineitem scope), and reading the course roster.
SCOPES = (SCORE_SCOPE, ROSTER_SCOPE)


def refused_page(request: Request, refusal: GradquizError) -> HTMLResponse:
    """The page for a refused login or launch: what was wrong, and what to do."""
    return render_page(request, "lti/refused.html", status=refusal.status, message=refusal.message)


@dataclass(frozen=True)
class ToolConfiguration:
    """The addresses a platform needs to register gradquiz."""

    base: str
    title: str

    @property
    def login_url(self) -> str:
        return f"{self.base}/lti/login"

    @property
    def launch_url(self) -> str:
        return f"{self.base}/lti/launch"

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/lti/jwks"

    @property
    def scopes(self) -> tuple[str, ...]:
        return SCOPES

    def canvas_json(self) -> dict[str, Any]:
        """Canvas's developer key JSON (LTI 1.3), deep linking in the course's links."""
        return {
            "title": self.title,
            "description": "Timed multiple-choice exams with grades and rosters from the LMS.",
            "oidc_initiation_url": self.login_url,
            "target_link_uri": self.launch_url,
            "public_jwk_url": self.jwks_url,
            "scopes": list(self.scopes),
            "extensions": [
                {
                    "platform": "canvas.instructure.com",
                    "privacy_level": "name_only",
                    "settings": {
                        "placements": [
                            {
                                "placement": "link_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": self.launch_url,
                            },
                            {
                                "placement": "assignment_selection",
                                "message_type": "LtiDeepLinkingRequest",
                                "target_link_uri": self.launch_url,
                            },
                        ]
                    },
                }
            ],
            "custom_fields": {},
        }


def tool_configuration(request: Request) -> ToolConfiguration:
    """This server's configuration, at the address the request came to."""
    base = str(request.base_url).rstrip("/")
    return ToolConfiguration(base=base, title=f"gradquiz: {request.app.state.pack.title}")
