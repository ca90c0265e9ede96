"""The simulated carrier: Twilio's REST API and webhooks, played offline and reproducibly."""

from scheduler.carrier.carrier import Account, Carrier, SmsReply, verb_table
from scheduler.carrier.clock import Alarm, CarrierError, RealClock, SimClock, VirtualClock
from scheduler.carrier.context import AppUrls, Directory, Timing
from scheduler.carrier.leg import Heard
from scheduler.carrier.profiles import Agent, Behaviour, KeyScript, Person, choosing
from scheduler.carrier.records import Records, RestExchange, WebhookExchange
from scheduler.carrier.rest import Fault, SimulatedTwilioHttp
from scheduler.carrier.script import CallHandle, ScenarioError
from scheduler.carrier.trickle import Traffic, trickle

__all__ = [
    "Account",
    "Agent",
    "Alarm",
    "AppUrls",
    "Behaviour",
    "CallHandle",
    "Carrier",
    "CarrierError",
    "Directory",
    "Fault",
    "Heard",
    "KeyScript",
    "Person",
    "RealClock",
    "Records",
    "RestExchange",
    "ScenarioError",
    "SimClock",
    "SimulatedTwilioHttp",
    "SmsReply",
    "Timing",
    "Traffic",
    "VirtualClock",
    "WebhookExchange",
    "choosing",
    "trickle",
    "verb_table",
]
