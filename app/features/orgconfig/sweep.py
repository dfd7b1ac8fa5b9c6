"""The hourly sweep: reload every installation's config, in case a push webhook was missed."""

from __future__ import annotations

import logging

from app.context import Context
from app.features.orgconfig.load import reload_config
from app.org import each_installation
from app.scheduler import Failures

log = logging.getLogger(__name__)


async def reload_all_configs(ctx: Context) -> int:
    """Reload the config of every organisation the app is installed on; return how many."""
    failures = Failures()  # one broken org must not stop the others, nor pass for a success
    async for installation in each_installation(ctx):
        with failures.each(f"config of {installation.login} (installation {installation.id})"):
            await reload_config(installation)
    failures.raise_if_any()
    return failures.succeeded
