"""The Starlette application: Twilio webhooks, the public API, consoles; the composition root."""
