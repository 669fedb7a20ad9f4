"""HTTP: the app factory and one router per dialect. Routes parse, call the service, render."""

from .app import create_app

__all__ = ["create_app"]
