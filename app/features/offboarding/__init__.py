"""Offboarding and inactivity (PEP 811): `/resign`, `/removal`, the inactivity review."""
