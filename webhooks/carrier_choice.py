"""Which carrier the app talks to: Twilio with real credentials, or the chosen simulation."""

from __future__ import annotations

from callback.carrier import Telephony
from callback.config import load_config
from callback.store.presence import AgentStatus
from callback.types import AgentId
from settings import Settings
from telephony import TwilioTelephony, build_client
from webhooks.services import Services
from webhooks.simulation import Simulation, offline_telephony, start_simulation


def real_telephony(settings: Settings) -> Telephony:
    """Twilio's REST API with the configured credentials; refused without them."""
    if settings.twilio_account_sid is None or settings.twilio_auth_token is None:
        raise ValueError("no Twilio credentials: pass a telephony or run the simulation")
    client = build_client(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        api_url=str(settings.twilio_api_url).rstrip("/"),
        timeout_s=settings.twilio_http_timeout,
    )
    return TwilioTelephony(client)


def simulation(settings: Settings) -> Simulation:
    """The simulated carrier, started on the config file as it is now."""
    return start_simulation(settings, load_config(settings.config_file))


def telephony_for(
    settings: Settings, given: Telephony | None, running: Simulation | None
) -> Telephony:
    """The telephony a test passed, else the running simulation's, else the configured one."""
    if given is not None:
        return given
    if running is not None:
        return TwilioTelephony(running.twilio_client())
    # Only a chosen simulation gets the stand-in; anything else needs real credentials.
    if settings.carrier == "simulated":
        return offline_telephony(settings)
    return real_telephony(settings)


def agents_on_duty(svc: Services) -> None:
    """The simulated carrier answers every roster endpoint: its agents start available."""
    now = svc.clock()
    agents = [AgentId(agent.id) for agent in svc.config.current.agents]
    svc.presence.sync_roster(agents, now)
    for agent in agents:
        off = AgentStatus.OFFLINE
        svc.presence.set_status(agent, off, AgentStatus.AVAILABLE, now, "simulation")
