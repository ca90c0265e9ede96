"""The supervisor config: one TOML file, validated into typed, immutable tables."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Self

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from callback.calling_window import CallingWindow
from callback.config.abuse import AbuseConfig
from callback.config.api import ApiConfig, api_issues
from callback.config.catalogue import Catalogue, from_context
from callback.config.console import ConsoleConfig
from callback.config.events import EventsConfig, PromisesConfig
from callback.config.fields import EndpointKind, FrozenModel, ReadOnlyMap
from callback.config.issues import ConfigError
from callback.config.policy import CallbackPolicy
from callback.config.queue import QueueConfig
from callback.config.rules import config_issues
from callback.config.sections import (
    AgentConfig,
    CallingWindowConfig,
    NumbersConfig,
    PromptPack,
    RetentionConfig,
    ServiceConfig,
)
from callback.numbers import DEFAULT_ALLOWED_TYPES, NumberPolicy
from callback.retry import RetryPolicy

UNNAMED = "<config>"
"""The path a `ConfigError` names when the config did not come from a file."""


class SupervisorConfig(FrozenModel):
    """The whole file. Building one checks every rule; a broken rule raises `ConfigError`."""

    service: ServiceConfig
    queues: Annotated[ReadOnlyMap[str, QueueConfig], Field(min_length=1)]
    callback_defaults: CallbackPolicy = Field(default_factory=CallbackPolicy)
    agents: tuple[AgentConfig, ...] = ()
    numbers: NumbersConfig = Field(default_factory=NumbersConfig)
    calling_window: CallingWindowConfig = Field(default_factory=CallingWindowConfig)
    abuse: AbuseConfig = Field(default_factory=AbuseConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    events: EventsConfig = Field(default_factory=EventsConfig)
    promises: PromisesConfig = Field(default_factory=PromisesConfig)
    prompts: ReadOnlyMap[str, PromptPack] = Field(default_factory=dict)
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)

    _catalogue: Catalogue = PrivateAttr()

    @model_validator(mode="after")
    def _check_rules(self, info: ValidationInfo) -> Self:
        # Raised as ConfigError, not ValueError, so pydantic lets it through with the
        # precise key path of every issue instead of folding them into one root error.
        self._catalogue = from_context(info.context).with_packs(self.prompts)
        issues = [*config_issues(self, self._catalogue), *api_issues(self.api, self.queues)]
        if issues:
            raise ConfigError(UNNAMED, issues)
        return self

    @property
    def catalogue(self) -> Catalogue:
        """The shipped prompts with this file's `[prompts.<lang>]` applied."""
        return self._catalogue

    def callback_policy(self, queue: str) -> CallbackPolicy:
        """The queue's callback policy: `[callback_defaults]` with its own overrides."""
        return self._policies[queue]

    # Derived policies, built on first use (the config is immutable, webhooks ask often);
    # pydantic leaves cached properties out of fields, dumps and equality.
    @cached_property
    def _policies(self) -> Mapping[str, CallbackPolicy]:
        defaults = self.callback_defaults
        return {name: queue.callback.over(defaults) for name, queue in self.queues.items()}

    def retry_policy(self, queue: str) -> RetryPolicy:
        """The queue's domain retry policy."""
        return self.callback_policy(queue).retry_policy()

    def own_numbers(self) -> frozenset[str]:
        """Numbers we must never call back: service numbers and agents' phone numbers."""
        agent_phones = {
            agent.endpoint for agent in self.agents if agent.endpoint_kind is EndpointKind.PHONE
        }
        return frozenset(self.service.numbers) | agent_phones

    def number_policy(self) -> NumberPolicy:
        """The domain number policy, with our own numbers refused."""
        return self._number_policy

    @cached_property
    def _number_policy(self) -> NumberPolicy:
        numbers = self.numbers
        regions = numbers.allowed_regions
        types = numbers.allowed_types
        return NumberPolicy(
            allowed_regions=None if regions is None else frozenset(regions),
            allowed_types=DEFAULT_ALLOWED_TYPES if types is None else frozenset(types),
            blocked=frozenset(numbers.blocked),
            blocked_prefixes=numbers.blocked_prefixes,
            own_numbers=self.own_numbers(),
        )

    def calling_window_policy(self) -> CallingWindow:
        """The domain calling window."""
        return self.calling_window.window()
