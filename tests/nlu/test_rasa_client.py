"""The Rasa backend against a real local HTTP server, and the fallback when it fails."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web

from nlu.engine import BuiltinNLU
from nlu.rasa_client import RasaNLU

RASA_ANSWER = {
    "text": "Dubai jabo",
    "intent": {"name": "migration_cost", "confidence": 0.91},
    "intent_ranking": [{"name": "migration_cost", "confidence": 0.91},
                       {"name": "visa_documents", "confidence": 0.05}],
    "entities": [{"entity": "country", "start": 0, "end": 5, "value": "United Arab Emirates",
                  "confidence_entity": 0.98, "extractor": "DIETClassifier"}],
}


class StandIn:
    """A local server that answers /model/parse the way Rasa does, or the way we tell it to."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.respond: Callable[[dict[str, Any]], web.StreamResponse] = (
            lambda body: web.json_response({**RASA_ANSWER, "text": body["text"]}))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        return self.respond(body)


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[StandIn, str]]:
    stand_in = StandIn()
    app = web.Application()
    app.router.add_post("/model/parse", stand_in.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield stand_in, f"http://127.0.0.1:{port}"
    await runner.cleanup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_rasa_answer_in_contract_shape(rasa: tuple[StandIn, str], nlu_model: BuiltinNLU) -> None:
    stand_in, url = rasa
    backend = RasaNLU(url, fallback=nlu_model)
    try:
        result = await backend.aparse("Dubai jabo")
    finally:
        await backend.aclose()
    assert stand_in.requests == [{"text": "Dubai jabo"}]
    assert result["intent"] == {"name": "migration_cost", "confidence": 0.91}
    assert [r["name"] for r in result["intent_ranking"]] == ["migration_cost", "visa_documents"]
    assert result["entities"] == [{"entity": "country", "value": "United Arab Emirates",
                                   "start": 0, "end": 5, "confidence": 0.98,
                                   "extractor": "DIETClassifier"}]
    # Rasa does not know the variety; ours fills it in.
    assert result["language"] == "banglish"


async def test_rasa_language_is_kept_when_given(rasa: tuple[StandIn, str], nlu_model: BuiltinNLU) -> None:
    stand_in, url = rasa
    stand_in.respond = lambda body: web.json_response({**RASA_ANSWER, "text": body["text"],
                                                       "language": "en"})
    backend = RasaNLU(url, fallback=nlu_model)
    assert (await backend.aparse("Dubai jabo"))["language"] == "en"
    await backend.aclose()


async def test_rasa_down_falls_back_to_builtin(nlu_model: BuiltinNLU) -> None:
    backend = RasaNLU(f"http://127.0.0.1:{free_port()}", fallback=nlu_model, timeout=0.5,
                      retries=1, backoff=0.01)
    result = await backend.aparse("how do I send money home")
    await backend.aclose()
    assert result == nlu_model.parse("how do I send money home")


@pytest.mark.parametrize(
    "respond",
    [lambda body: web.json_response({"intent": {"name": None, "confidence": 0.0}}),
     lambda body: web.json_response(["not", "an", "object"]),
     lambda body: web.Response(text="<html>oops</html>", content_type="text/html"),
     lambda body: web.json_response({**RASA_ANSWER, "entities": [{"entity": "x", "start": 0,
                                                                  "end": 999}]}),
     lambda body: web.json_response({"intent": {"name": "greet", "confidence": 7}}),
     lambda body: web.Response(status=404)],
)
async def test_garbage_answers_fall_back(
    rasa: tuple[StandIn, str], nlu_model: BuiltinNLU,
    respond: Callable[[dict[str, Any]], web.StreamResponse],
) -> None:
    stand_in, url = rasa
    stand_in.respond = respond
    backend = RasaNLU(url, fallback=nlu_model, retries=0)
    result = await backend.aparse("thank you")
    await backend.aclose()
    assert result == nlu_model.parse("thank you")


async def test_server_errors_are_retried(rasa: tuple[StandIn, str], nlu_model: BuiltinNLU) -> None:
    stand_in, url = rasa
    calls = iter([web.Response(status=503), web.Response(status=502)])
    stand_in.respond = lambda body: next(calls, None) or web.json_response(
        {**RASA_ANSWER, "text": body["text"]})
    backend = RasaNLU(url, fallback=nlu_model, retries=2, backoff=0.01)
    result = await backend.aparse("Dubai jabo")
    await backend.aclose()
    assert len(stand_in.requests) == 3
    assert result["intent"]["name"] == "migration_cost"


async def test_after_a_failure_rasa_is_skipped_for_a_while(rasa: tuple[StandIn, str],
                                                           nlu_model: BuiltinNLU) -> None:
    stand_in, url = rasa
    stand_in.respond = lambda body: web.Response(status=500)
    backend = RasaNLU(url, fallback=nlu_model, retries=0, cooldown=60)
    await backend.aparse("hello")
    await backend.aparse("hello")
    await backend.aclose()
    assert len(stand_in.requests) == 1


def test_make_nlu_picks_the_backend(nlu_model: BuiltinNLU) -> None:
    from pathlib import Path

    from api.settings import ROOT
    from nlu.backends import make_nlu

    models = Path(nlu_model.state["path"]).parent
    builtin = make_nlu("builtin", data_dir=ROOT / "nlu" / "data", artifact_dir=models)
    assert isinstance(builtin, BuiltinNLU)
    rasa = make_nlu("rasa", data_dir=ROOT / "nlu" / "data", artifact_dir=models,
                    rasa_url="http://127.0.0.1:5005")
    assert isinstance(rasa, RasaNLU) and isinstance(rasa.fallback, BuiltinNLU)
    with pytest.raises(ValueError):
        make_nlu("spacy", data_dir=ROOT / "nlu" / "data", artifact_dir=models)
