"""The hourly sweep: reload every installation's config, in case a push webhook was missed."""

from __future__ import annotations

import logging

from app.context import Context
from app.features.orgconfig.load import reload_config
from app.org import Installation
from app.scheduler import over_installations

log = logging.getLogger(__name__)


async def reload_all_configs(ctx: Context) -> int:
    """Reload the config of every organisation the app is installed on; return how many."""

    async def reload(inst: Installation) -> int:
        await reload_config(inst)
        return 1

    return await over_installations(ctx, "config", reload)
