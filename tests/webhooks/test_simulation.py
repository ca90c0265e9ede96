"""The simulated carrier inside the running service, as `make run` starts it."""

import asyncio
from pathlib import Path

import httpx
import pytest
import uvicorn

from settings import Settings
from tests.webhooks.test_cli import free_port
from webhooks.app import create_app
from webhooks.simulation import app_urls


def test_the_webhook_urls_are_those_a_twilio_number_is_configured_with(settings: Settings) -> None:
    urls = app_urls(settings.model_copy(update={"public_base_url": "https://cb.example.com/"}))
    assert urls.voice == "https://cb.example.com/twilio/voice"
    assert urls.status == "https://cb.example.com/twilio/status"
    assert urls.sms == "https://cb.example.com/twilio/sms"


@pytest.mark.timeout(60)
def test_simulated_callers_reach_the_service_with_valid_signatures(
    settings: Settings, config_file: Path
) -> None:
    port = free_port()
    live = settings.model_copy(
        update={
            "public_base_url": f"http://127.0.0.1:{port}",
            "simulated_traffic_per_minute": 600.0,
        }
    )
    app = create_app(live)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))

    async def scenario() -> list[tuple[str, int]]:
        serving = asyncio.create_task(server.serve())
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(200):
                    await asyncio.sleep(0.1)
                    if server.started:
                        break
                seen: list[tuple[str, int]] = []
                for _ in range(100):
                    await asyncio.sleep(0.1)
                    exchanges = app.state.simulation.carrier.records.webhooks
                    seen = [(e.path, e.status) for e in exchanges]
                    if len(seen) >= 3:
                        break
                health = await client.get("/healthz")
                assert health.status_code == 200
                return seen
        finally:
            server.should_exit = True
            await serving

    seen = asyncio.run(scenario())
    assert ("/twilio/voice", 200) in seen
    # Signed with the simulated account's token and checked like Twilio's: never refused.
    assert all(status == 200 for _, status in seen)
