"""A simulated GitHub (REST API, webhooks, app auth) for tests and ``python -m app demo``."""

from sandbox.server import Sandbox

__all__ = ["Sandbox"]
