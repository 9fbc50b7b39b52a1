"""Stand-in provider servers: real HTTP servers on 127.0.0.1 that record every call and answer
in the provider's format (Telegram's Bot API, Twilio's REST API, Meta's Send API)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = tuple[int, dict[str, Any]]


class Call(dict[str, Any]):
    """One request: `method`, `path`, `query`, `params` (form or JSON fields), `headers`."""


class StandIn:
    """A recording HTTP server; `answer(call)` decides what it says."""

    def __init__(self, answer: Callable[[Call], Answer]) -> None:
        self.answer = answer
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                self._serve()

            def do_GET(self) -> None:  # noqa: N802
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:
                    # The client died mid-request (a worker killed with SIGKILL): a real
                    # provider never sees half a request, so neither is it recorded here.
                    return
                parts = urlsplit(self.path)
                call = Call(method=self.command, path=parts.path, query=dict(parse_qsl(parts.query)),
                            params=_params(self.headers.get("Content-Type", ""), body),
                            headers=dict(self.headers))
                with server.lock:
                    server.calls.append(call)
                status, payload = server.answer(call)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # A short poll: shutdown() waits up to one poll interval (0.5 s by default), and three
        # stand-ins per test made that a second and a half of every channel test's teardown.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,),
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def matching(self, suffix: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c["path"].endswith(suffix)]

    def wait_for(self, suffix: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """The calls to `suffix` once there are at least `count` (fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(suffix)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} calls to {suffix}, got {len(self.matching(suffix))}")


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        return {part.get_param("name", header="content-disposition"): part.get_content()
                for part in message.iter_parts()}
    return dict(parse_qsl(body.decode()))


# -- Telegram's Bot API ---------------------------------------------------------------------

class BotAPI(StandIn):
    """Answers like api.telegram.org for the methods the service uses; `updates` feed getUpdates."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.fail_next: list[Answer] = []
        self.ids = itertools.count(1000)
        super().__init__(self._answer)

    def _answer(self, call: Call) -> Answer:
        method = call["path"].rsplit("/", 1)[-1]
        if method == "sendMessage" and self.fail_next:
            return self.fail_next.pop(0)
        p = call["params"]
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": 123456, "is_bot": True,
                                                "first_name": "Prottasha", "username": "pt_bot"}}
        if method == "sendMessage":
            return 200, {"ok": True, "result": {
                "message_id": next(self.ids), "date": int(time.time()), "text": p.get("text"),
                "chat": {"id": int(p["chat_id"]), "type": "private"}}}
        if method == "getUpdates":
            offset = int(p.get("offset") or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if not pending:
                time.sleep(0.1)
            return 200, {"ok": True, "result": pending}
        return 200, {"ok": True, "result": True}  # setWebhook, deleteWebhook, answerCallbackQuery

    def sent(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        return [c["params"] for c in self.wait_for("/sendMessage", count, timeout)]


# -- Twilio's REST API ----------------------------------------------------------------------

class TwilioAPI(StandIn):
    """`POST /2010-04-01/Accounts/{sid}/Messages.json` makes a message and `GET` lists them
    (newest first, filtered by `To` and `From`), as Twilio does. `errors` answer sends first,
    in order; `list_errors` answer lists. With `delay`, a send is made at once and answered
    that many seconds later: a sender killed meanwhile never learns that Twilio has it."""

    def __init__(self) -> None:
        self.errors: list[Answer] = []
        self.list_errors: list[Answer] = []
        self.made: list[dict[str, Any]] = []
        self.delay = 0.0
        self.ids = itertools.count(1)
        super().__init__(self._answer)

    def _answer(self, call: Call) -> Answer:
        if not call["path"].endswith("/Messages.json"):
            return 404, {"code": 20404, "message": "not found", "status": 404}
        if call["method"] == "GET":
            return self._list(call["query"])
        if self.errors:
            return self.errors.pop(0)
        p = call["params"]
        message = self.make(p.get("To", ""), p.get("From", ""), p.get("Body"))
        if self.delay:
            time.sleep(self.delay)
        return 201, message

    def make(self, to: str, sender: str, body: str | None) -> dict[str, Any]:
        """A message Twilio holds (a test may put one there as if a lost send had made it)."""
        message = {"sid": f"SM{next(self.ids):032d}", "status": "queued", "to": to,
                   "from": sender, "body": body, "direction": "outbound-api",
                   "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())}
        with self.lock:
            self.made.append(message)
        return message

    def _list(self, query: dict[str, str]) -> Answer:
        if self.list_errors:
            return self.list_errors.pop(0)
        with self.lock:
            found = [m for m in reversed(self.made)
                     if m["to"] == query.get("To", m["to"])
                     and m["from"] == query.get("From", m["from"])]
        size = int(query.get("PageSize", 50))
        return 200, {"messages": found[:size], "page": 0, "page_size": size,
                     "next_page_uri": None}

    def matching(self, suffix: str) -> list[Call]:
        """The sends (POSTs) to `suffix`: a list is not a message."""
        return [c for c in super().matching(suffix) if c["method"] == "POST"]

    def sent(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        return [c["params"] for c in self.wait_for("/Messages.json", count, timeout)]


def twilio_error(code: int, status: int = 400) -> Answer:
    return status, {"code": code, "message": "error", "more_info": "", "status": status}


# -- Meta's Send API ------------------------------------------------------------------------

class GraphAPI(StandIn):
    def __init__(self) -> None:
        self.ids = itertools.count(1)
        super().__init__(lambda call: (200, {"recipient_id": "x",
                                             "message_id": f"m_{next(self.ids)}"}))

    def sent(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        return [c["params"] for c in self.wait_for("/me/messages", count, timeout)]
