"""The supervisor config file: TOML validated into typed tables, the prompt catalogue, reload."""

from callback.config.catalogue import Catalogue, Language, builtin_catalogue, placeholders
from callback.config.check import CheckResult, check_file
from callback.config.durations import format_duration, parse_duration
from callback.config.issues import ConfigError, ConfigIssue
from callback.config.loader import load_config, parse_config
from callback.config.model import SupervisorConfig
from callback.config.policy import CallbackPolicy, DialMode
from callback.config.queue import QueueConfig
from callback.config.reload import ConfigChange, ConfigHolder

__all__ = [
    "CallbackPolicy",
    "Catalogue",
    "CheckResult",
    "ConfigChange",
    "ConfigError",
    "ConfigHolder",
    "ConfigIssue",
    "DialMode",
    "Language",
    "QueueConfig",
    "SupervisorConfig",
    "builtin_catalogue",
    "check_file",
    "format_duration",
    "load_config",
    "parse_config",
    "parse_duration",
    "placeholders",
]
