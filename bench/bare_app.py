"""The baseline: a bare FastAPI app that parses the same Twilio form and answers TwiML, with
nothing else (no signature check, no database, no dialogue). Throughput of the service is
reported as a share of this one, measured in the same run on the same machine."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

app = FastAPI()


@app.post("/webhooks/twilio/sms")
async def sms(request: Request) -> Response:
    form = await request.form()
    body = str(form.get("Body", ""))
    return Response(f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{len(body)}"
                    "</Message></Response>", media_type="application/xml")
