"""Each organisation's `.github/warden.yml`: loaded from the default branch, validated, kept."""

from app.features.orgconfig.load import (
    LoadResult,
    configured,
    current_config,
    reload_config,
    validate,
)
from app.features.orgconfig.not_set_up import reply_not_set_up
from app.features.orgconfig.pull_check import check_pull_request
from app.features.orgconfig.reads import CONFIG_PATH, CONFIG_REPO

__all__ = [
    "CONFIG_PATH",
    "CONFIG_REPO",
    "LoadResult",
    "check_pull_request",
    "configured",
    "current_config",
    "reload_config",
    "reply_not_set_up",
    "validate",
]
