"""Organisation config: defaults and typed schema of .github/warden.yml, validated in one pass.

`config.check` holds the offline checker (`check_config_main`) and the error issue body.
"""

from config.issues import ConfigError, ConfigIssue
from config.loader import load_config
from config.model import (
    AdvisoryConfig,
    CoordinatorConfig,
    InactivityConfig,
    OnboardingConfig,
    ReminderConfig,
    RosterConfig,
    ScheduleConfig,
    VetoRule,
    VoteRule,
    VoteRules,
    WardenConfig,
)
from config.org import OrgFacts, check_against_org
from config.summary import diff_summary, summarise
from config.units import format_duration, format_fraction, parse_duration, parse_fraction

__all__ = [
    "AdvisoryConfig",
    "ConfigError",
    "ConfigIssue",
    "CoordinatorConfig",
    "InactivityConfig",
    "OnboardingConfig",
    "OrgFacts",
    "ReminderConfig",
    "RosterConfig",
    "ScheduleConfig",
    "VetoRule",
    "VoteRule",
    "VoteRules",
    "WardenConfig",
    "check_against_org",
    "diff_summary",
    "format_duration",
    "format_fraction",
    "load_config",
    "parse_duration",
    "parse_fraction",
    "summarise",
]
