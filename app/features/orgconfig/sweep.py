"""The hourly sweep: reload every installation's config, in case a push webhook was missed."""

from __future__ import annotations

import logging

from app.context import Context
from app.features.orgconfig.load import reload_config
from app.org import each_installation

log = logging.getLogger(__name__)


async def reload_all_configs(ctx: Context) -> int:
    """Reload the config of every organisation the app is installed on; return how many."""
    loaded = 0
    async for installation in each_installation(ctx):
        try:
            await reload_config(installation)
        except Exception:  # one broken org must not stop the others
            log.exception("could not reload the config of %s", installation.login)
            continue
        loaded += 1
    return loaded
