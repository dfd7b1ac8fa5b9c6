"""Warden: a GitHub App that runs a security response team the PEP 811 way."""

__version__ = "0.1.0"
