"""Twilio's side of the service: signed voice, status and SMS webhooks answered with TwiML."""
