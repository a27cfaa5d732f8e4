"""The ASGI entry point for uvicorn workers: each builds the app from GRADQUIZ_* settings."""

from fastapi import FastAPI

from gradquiz.web.app import create_app


def create_default_app() -> FastAPI:
    """The app as configured by the environment."""
    return create_app()
