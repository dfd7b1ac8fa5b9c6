"""The setup pages' HTML: the form, the hand-off to GitHub, the result."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from app.pages import page


def form(
    web_url: str,
    error: str | None = None,
    org: str = "",
    name: str = "Warden",
    ask_key: bool = False,
) -> str:
    """Step 1: where to register the app; ``ask_key``: and the setup key
    (``WARDEN_SETUP_KEY``), which the form posts and no address or log ever shows."""
    problem = f"<p class=error role=alert>{escape(error)}</p>" if error else ""
    key = (
        "<label for=key>Setup key (<code>WARDEN_SETUP_KEY</code>)</label>"
        "<input type=password id=key name=key autocomplete=off required>"
        if ask_key
        else ""
    )
    return page(
        "Set up Warden",
        "<p>Warden has no GitHub App yet, so it serves only this page and the health routes. "
        f"Register the app on {escape(web_url)} from Warden's <code>app.yml</code> "
        "(its events and permissions); GitHub then sends you back here and Warden starts "
        f"at once, no restart needed.</p>{problem}"
        '<form method=post action="/setup">'
        "<fieldset><legend>Register the app on</legend>"
        "<label><input type=radio name=account value=org checked> an organisation</label>"
        "<label><input type=radio name=account value=user> my personal account</label>"
        "</fieldset>"
        f"<label for=org>Organisation login</label><input type=text id=org name=org "
        f'value="{escape(org)}" placeholder="python">'
        f"<label for=name>App name (unique on GitHub)</label><input type=text id=name "
        f'name=name value="{escape(name)}" maxlength=34>{key}'
        "<button type=submit>Continue to GitHub</button></form>",
    )


def hand_off(action: str, manifest: dict[str, Any], where: str) -> str:
    """Step 2: the form that posts the manifest to GitHub (sent by the button, or by the
    script at once)."""
    return page(
        "Register Warden on GitHub",
        f"<p>GitHub will ask you to confirm the new app on {escape(where)}, then send you "
        "back here.</p>"
        f'<form id=manifest method=post action="{escape(action)}">'
        f'<input type=hidden name=manifest value="{escape(json.dumps(manifest))}">'
        "<button type=submit>Register on GitHub</button></form>"
        "<script>document.getElementById('manifest').submit()</script>",
    )


def refused(reason: str) -> str:
    """The callback could not be accepted."""
    return page(
        "Setup not finished",
        f'<p class=error role=alert>{escape(reason)}</p><p><a href="/setup">Start again</a>.</p>',
    )


def done(slug: str, install_url: str, env_file: str) -> str:
    """Step 3: registered; what to do next."""
    return page(
        "Warden is registered",
        f"<p>The GitHub App <strong>{escape(slug)}</strong> exists and Warden now receives "
        f"its webhooks. Its id, private key and webhook secret are in "
        f"<code>{escape(env_file)}</code> (readable by this account only).</p>"
        f'<p><a href="{escape(install_url)}">Install the app on your organisation</a>; '
        "Warden then checks the installation and opens a <code>warden/setup</code> issue in "
        "the organisation's <code>.github</code> repository if anything is missing.</p>",
    )


def configured(app_id: str, api_url: str) -> str:
    """``/setup`` once the app exists."""
    return page(
        "Warden is configured",
        f"<p>GitHub App {escape(app_id)} on {escape(api_url)}. Webhooks are received at "
        "<code>/webhook</code>.</p>",
    )
