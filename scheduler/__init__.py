"""Periodic work and the outbound side: the ticker, the dispatcher, the Twilio adapter."""
