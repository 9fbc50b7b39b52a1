"""A Rasa server as the NLU backend, with the built-in engine standing in when it fails."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from nlu.engine import RANKING_SIZE, BuiltinNLU
from nlu.taxonomy import LANGUAGES

log = logging.getLogger(__name__)


class RasaAnswerError(ValueError):
    """Rasa answered, but not in the /model/parse shape."""


class RasaNLU:
    """POST {url}/model/parse; on errors, timeouts or garbage, answer with the built-in model."""

    def __init__(self, url: str, fallback: BuiltinNLU, timeout: float = 2.0, retries: int = 2,
                 *, backoff: float = 0.05, cooldown: float = 10.0,
                 client: httpx.AsyncClient | None = None) -> None:
        self.url = url.rstrip("/")
        self.fallback = fallback
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.cooldown = cooldown
        self._client = client
        self._down_until = 0.0

    async def aparse(self, text: str) -> dict[str, Any]:
        """Rasa's answer in the contract shape, or the built-in parse when Rasa cannot answer."""
        # After a failure, skip Rasa for a while: a dead server would otherwise add
        # timeout x retries to every message.
        if time.monotonic() >= self._down_until:
            try:
                return await self._ask(text)
            except (httpx.HTTPError, RasaAnswerError, ValueError) as exc:
                log.warning("rasa at %s failed (%s); using the built-in NLU", self.url, exc)
                self._down_until = time.monotonic() + self.cooldown
        return self.fallback.parse(text)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _ask(self, text: str) -> dict[str, Any]:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        for attempt in range(self.retries + 1):
            try:
                resp = await self._client.post(f"{self.url}/model/parse", json={"text": text},
                                               timeout=self.timeout)
                if resp.status_code >= 500:
                    resp.raise_for_status()
                if resp.status_code >= 400:  # our request is wrong: retrying will not help
                    raise RasaAnswerError(f"HTTP {resp.status_code}")
                return self._shape(resp.json(), text)
            except (httpx.TransportError, httpx.HTTPStatusError):
                if attempt == self.retries:
                    raise
                await asyncio.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def _shape(self, answer: Any, text: str) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise RasaAnswerError("not a JSON object")
        intent = _intent(answer.get("intent"))
        ranking = [_intent(r) for r in answer.get("intent_ranking") or [intent]][:RANKING_SIZE]
        entities = [_entity(e, text) for e in answer.get("entities") or []]
        language = answer.get("language")
        if language not in LANGUAGES:
            language = self.fallback.language(text)
        return {"text": text, "intent": intent, "intent_ranking": ranking or [intent],
                "entities": entities, "language": language}


def _intent(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise RasaAnswerError(f"bad intent {raw!r}")
    confidence = raw.get("confidence")
    if not isinstance(confidence, int | float) or not 0.0 <= confidence <= 1.0:
        raise RasaAnswerError(f"bad confidence {raw!r}")
    return {"name": raw["name"], "confidence": float(confidence)}


def _entity(raw: Any, text: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("entity"), str):
        raise RasaAnswerError(f"bad entity {raw!r}")
    start, end = raw.get("start"), raw.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        raise RasaAnswerError(f"entity span outside the text: {raw!r}")
    confidence = raw.get("confidence", raw.get("confidence_entity", 1.0))
    return {"entity": raw["entity"], "value": raw.get("value", text[start:end]), "start": start,
            "end": end, "confidence": float(confidence if confidence is not None else 1.0),
            "extractor": str(raw.get("extractor") or "rasa")}
