"""The HTML shell every page Warden serves shares: readable on a phone, no scripts needed."""

from __future__ import annotations

from html import escape

from app import __version__

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;"
    "line-height:1.5;overflow-wrap:anywhere}"
    "table{border-collapse:collapse}td,th{padding:.2rem .8rem;text-align:right}"
    "ul{padding-left:1.2rem}label{display:block;margin:.75rem 0 .25rem}"
    "input[type=text]{width:100%;box-sizing:border-box;padding:.4rem}"
    "button{margin-top:1rem;padding:.5rem 1rem}.error{color:#a40000}"
)


def page(title: str, body: str) -> str:
    """A whole page: ``title`` as its heading, ``body`` (HTML, already escaped) below."""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{body}"
        f"<footer><small>Warden {escape(__version__)}</small></footer></body></html>"
    )
