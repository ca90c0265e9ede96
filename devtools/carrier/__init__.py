"""The simulated carrier: Twilio's REST API and webhooks, played offline and reproducibly."""

from devtools.carrier.carrier import Account, Carrier, SmsReply, verb_table
from devtools.carrier.clock import Alarm, CarrierError, RealClock, SimClock, VirtualClock
from devtools.carrier.context import AppUrls, Directory, Timing
from devtools.carrier.leg import Heard
from devtools.carrier.profiles import Agent, Behaviour, KeyScript, Person, choosing
from devtools.carrier.records import DocContext, Records, RestExchange, WebhookExchange
from devtools.carrier.rest import Fault, SimulatedTwilioHttp
from devtools.carrier.script import CallHandle, ScenarioError
from devtools.carrier.trickle import Traffic, trickle

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
    "DocContext",
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
