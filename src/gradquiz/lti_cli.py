"""`gradquiz lti`: register the LMSs that launch gradquiz, and rotate the tool's key."""

from typing import TYPE_CHECKING, Annotated

import typer

from gradquiz.config import Settings

if TYPE_CHECKING:
    from gradquiz.services.lti import LtiService

lti = typer.Typer(help="LTI 1.3: the LMSs that launch gradquiz.", no_args_is_help=True)


def _service() -> "LtiService":
    from gradquiz.services.lti import LtiService
    from gradquiz.storage.database import Database

    return LtiService(Database(Settings().database_url))


@lti.command("add-platform")
def add_platform(
    issuer: Annotated[str, typer.Option(help="The platform's issuer (iss), as its tokens say.")],
    client_id: Annotated[str, typer.Option(help="The client id the platform gave gradquiz.")],
    deployment_id: Annotated[
        list[str], typer.Option(help="A deployment id (repeat the option for more).")
    ],
    login_url: Annotated[str, typer.Option(help="The platform's OIDC authentication URL.")],
    token_url: Annotated[str, typer.Option(help="The platform's access token URL.")],
    jwks_url: Annotated[str, typer.Option(help="The platform's public keyset (JWKS) URL.")],
    audience: Annotated[
        str | None, typer.Option(help="The token endpoint's audience, if not its URL.")
    ] = None,
    frame_origin: Annotated[
        list[str] | None,
        typer.Option(
            help=(
                "An origin (https://school.instructure.com) whose pages frame gradquiz and"
                " post its launches, besides the issuer's and the login URL's (repeat the"
                " option for more)."
            )
        ),
    ] = None,
) -> None:
    """Register an LMS (Moodle, Canvas, …) that launches gradquiz."""
    platform = _service().add_platform(
        issuer=issuer,
        client_id=client_id,
        deployment_ids=deployment_id,
        auth_login_url=login_url,
        auth_token_url=token_url,
        jwks_url=jwks_url,
        auth_audience=audience,
        frame_origins=frame_origin or (),
    )
    typer.echo(
        f"gradquiz: {platform.issuer} (client id {platform.client_id}) registered with"
        f" {len(platform.deployment_ids)} deployment(s)"
    )


@lti.command("list")
def list_platforms() -> None:
    """The registered LMSs: issuer, client id, deployment ids and frame origins."""
    platforms = _service().platforms()
    for p in platforms:
        origins = " ".join(p.frame_origins) or "-"
        typer.echo(f"{p.issuer}\t{p.client_id}\t{', '.join(p.deployment_ids)}\t{origins}")
    if not platforms:
        typer.echo("gradquiz: no LMS is registered")


@lti.command("set-frame-origins")
def set_frame_origins(
    issuer: Annotated[str, typer.Argument(help="The platform's issuer.")],
    frame_origin: Annotated[
        list[str] | None,
        typer.Option(help="An origin that frames gradquiz (repeat; none clears them)."),
    ] = None,
    client_id: Annotated[
        str | None, typer.Option(help="Its client id (needed if it has several).")
    ] = None,
) -> None:
    """Replace a registered LMS's frame origins, keeping its users and links."""
    platform = _service().set_frame_origins(
        issuer=issuer, client_id=client_id, frame_origins=frame_origin or ()
    )
    origins = " ".join(platform.frame_origins) or "none"
    typer.echo(f"gradquiz: {platform.issuer} ({platform.client_id}) frame origins: {origins}")


ClientId = Annotated[str | None, typer.Option(help="Its client id (needed if it has several).")]
Issuer = Annotated[str, typer.Argument(help="The platform's issuer.")]


@lti.command("add-deployment")
def add_deployment(
    issuer: Issuer,
    deployment_id: Annotated[str, typer.Argument(help="The deployment id to accept.")],
    client_id: ClientId = None,
) -> None:
    """Accept launches from one more deployment of a registered LMS (gradquiz installed in
    another course or account)."""
    platform = _service().add_deployment(
        issuer=issuer, client_id=client_id, deployment_id=deployment_id
    )
    typer.echo(f"gradquiz: {platform.issuer} deployments: {', '.join(platform.deployment_ids)}")


@lti.command("remove-deployment")
def remove_deployment(
    issuer: Issuer,
    deployment_id: Annotated[str, typer.Argument(help="The deployment id to refuse.")],
    client_id: ClientId = None,
) -> None:
    """Refuse launches from one deployment of a registered LMS from now on."""
    platform = _service().remove_deployment(
        issuer=issuer, client_id=client_id, deployment_id=deployment_id
    )
    typer.echo(f"gradquiz: {platform.issuer} deployments: {', '.join(platform.deployment_ids)}")


@lti.command("remove")
def remove(
    issuer: Issuer,
    client_id: ClientId = None,
    force: Annotated[
        bool, typer.Option(help="Remove it even though courses link to it (says how many).")
    ] = False,
) -> None:
    """Forget an LMS: its launches are refused from now on (accounts and results stay; its
    course links and score posting go, so it is refused while courses link to it)."""
    platform = _service().remove_platform(issuer=issuer, client_id=client_id, force=force)
    typer.echo(f"gradquiz: {platform.issuer} (client id {platform.client_id}) removed")


@lti.command("rotate-key")
def rotate_key() -> None:
    """Sign with a new key pair; the old one stays published an hour, until its last token
    expires."""
    kid = _service().rotate_key()
    typer.echo(f"gradquiz: the tool now signs with key {kid}")
