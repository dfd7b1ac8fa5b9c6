"""CVSS vectors as GitHub takes them on an advisory: v3.x or v4.0, refused when invalid."""

from __future__ import annotations

from cvss import CVSS3, CVSS4, CVSSError

from sandbox.errors import Unprocessable


def cvss_score(vector: str) -> float:
    """The base score of a CVSS v3.x or v4.0 vector; 422 when it is not valid."""
    try:
        if vector.startswith("CVSS:4.0/"):
            return float(CVSS4(vector).base_score)
        return float(CVSS3(vector).scores()[0])
    except CVSSError:
        error = {"resource": "RepositoryAdvisory", "field": "cvss_vector_string", "code": "invalid"}
        raise Unprocessable("Validation Failed", [error]) from None
