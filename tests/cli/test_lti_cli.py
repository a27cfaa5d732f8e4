"""`gradquiz lti add-platform`, `list`, `remove` and `rotate-key` on a real database file."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradquiz.cli import app
from gradquiz.services.lti import LtiService
from gradquiz.storage.database import Database

runner = CliRunner()
MOODLE = [
    "--issuer", "https://moodle.example.edu",
    "--client-id", "AbC123",
    "--deployment-id", "1",
    "--deployment-id", "2",
    "--login-url", "https://moodle.example.edu/mod/lti/auth.php",
    "--token-url", "https://moodle.example.edu/mod/lti/token.php",
    "--jwks-url", "https://moodle.example.edu/mod/lti/certs.php",
]  # fmt: skip


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Database(url).migrate()
    monkeypatch.setenv("GRADQUIZ_DATABASE_URL", url)
    return url


def test_platforms_are_added_listed_and_removed(database_url: str) -> None:
    added = runner.invoke(app, ["lti", "add-platform", *MOODLE])
    assert added.exit_code == 0, added.output
    assert "registered with 2 deployment(s)" in added.output
    listed = runner.invoke(app, ["lti", "list"])
    assert "https://moodle.example.edu\tAbC123\t1, 2\t-" in listed.output
    twice = runner.invoke(app, ["lti", "add-platform", *MOODLE])
    assert twice.exit_code == 1 and "registered already" in str(twice.exception)
    removed = runner.invoke(app, ["lti", "remove", "https://moodle.example.edu"])
    assert removed.exit_code == 0 and "removed" in removed.output
    assert "no LMS is registered" in runner.invoke(app, ["lti", "list"]).output


def test_frame_origins_are_stored_as_origins_and_listed(database_url: str) -> None:
    origins = ["--frame-origin", "https://school.instructure.com/courses/7"]
    added = runner.invoke(
        app, ["lti", "add-platform", *MOODLE, *origins, "--frame-origin", "https://b.example"]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["lti", "list"]).output
    assert "\t1, 2\thttps://school.instructure.com https://b.example" in listed
    changed = runner.invoke(
        app,
        [
            "lti",
            "set-frame-origins",
            "https://moodle.example.edu",
            "--frame-origin",
            "https://c.example/x",
        ],
    )
    assert changed.exit_code == 0 and "frame origins: https://c.example" in changed.output, (
        changed.output
    )
    assert "\t1, 2\thttps://c.example\n" in runner.invoke(app, ["lti", "list"]).output
    bad = ["--frame-origin", "http://school.example.edu", "--client-id", "other"]
    refused = runner.invoke(app, ["lti", "add-platform", *MOODLE, *bad])
    assert refused.exit_code == 1 and "frame origin must start with https://" in str(
        refused.exception
    )


@pytest.mark.parametrize(
    ("option", "value", "fault"),
    [
        ("--login-url", "http://moodle.example.edu/auth", "must start with https://"),
        ("--jwks-url", "https://" + "a" * 1000 + ".edu", "at most 1000 characters"),
        ("--client-id", "x" * 256, "1 to 255 printable characters"),
        ("--issuer", " ", "1 to 255 printable characters"),
    ],
)
def test_a_bad_registration_is_refused_naming_the_field(
    database_url: str, option: str, value: str, fault: str
) -> None:
    args = list(MOODLE)
    args[args.index(option) + 1] = value
    refused = runner.invoke(app, ["lti", "add-platform", *args])
    assert refused.exit_code == 1 and fault in str(refused.exception)
    assert LtiService(Database(database_url)).platforms() == []


def test_rotate_key_signs_with_a_new_key_and_keeps_the_old_one_published(
    database_url: str,
) -> None:
    lti = LtiService(Database(database_url))
    old = lti.ensure_key()
    rotated = runner.invoke(app, ["lti", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    new = lti.signing_key()[0]
    assert new != old and new in rotated.output
    assert [k["kid"] for k in lti.jwks()["keys"]] == [new, old]


def test_deployments_are_added_and_removed_one_by_one(database_url: str) -> None:
    assert runner.invoke(app, ["lti", "add-platform", *MOODLE]).exit_code == 0
    issuer = "https://moodle.example.edu"
    added = runner.invoke(app, ["lti", "add-deployment", issuer, "7"])
    assert added.exit_code == 0 and "deployments: 1, 2, 7" in added.output, added.output
    twice = runner.invoke(app, ["lti", "add-deployment", issuer, "7"])
    assert twice.exit_code == 1 and "registered already" in str(twice.exception)
    removed = runner.invoke(app, ["lti", "remove-deployment", issuer, "1"])
    assert removed.exit_code == 0 and "deployments: 2, 7" in removed.output
    unknown = runner.invoke(app, ["lti", "remove-deployment", issuer, "1"])
    assert unknown.exit_code == 1 and "is not registered" in str(unknown.exception)
    assert runner.invoke(app, ["lti", "remove-deployment", issuer, "2"]).exit_code == 0
    last = runner.invoke(app, ["lti", "remove-deployment", issuer, "7"])
    assert last.exit_code == 1 and "last deployment id" in str(last.exception)
    other = runner.invoke(app, ["lti", "add-deployment", "https://other.example", "1"])
    assert other.exit_code == 1 and "No platform https://other.example" in str(other.exception)
    assert "https://moodle.example.edu\tAbC123\t7\t-" in runner.invoke(app, ["lti", "list"]).output
