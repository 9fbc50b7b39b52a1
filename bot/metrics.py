"""Prometheus metrics of the conversation (exposed by the API at /metrics)."""

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_IN = Counter("prottasha_messages_in_total", "Inbound messages", ["channel"])
MESSAGES_OUT = Counter("prottasha_messages_out_total", "Outbound messages", ["channel"])
DUPLICATES = Counter("prottasha_duplicates_total", "Redelivered messages ignored", ["channel"])
RECOVERED = Counter("prottasha_recovered_total",
                    "Messages stored but left unanswered by a crash, answered on redelivery",
                    ["channel"])
INTENTS = Counter("prottasha_intents_total", "Understood intents", ["intent", "language"])
ERRORS = Counter("prottasha_errors_total", "Errors while handling a message", ["stage"])
REPLY_LATENCY = Histogram(
    "prottasha_reply_seconds",
    "Time from receiving a message to having the replies",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
IN_FLIGHT = Gauge("prottasha_messages_in_flight", "Messages being handled in this process now")
DEFERRED = Counter("prottasha_deferred_total",
                   "Messages answered later through the outbox because of a backlog", ["channel"])
HANDED_BACK = Counter("prottasha_handed_back_total",
                      "Replies sent through the outbox because the provider hung up before the "
                      "HTTP answer")
DEFERRED_WAITING = Gauge("prottasha_deferred_waiting",
                         "Deferred messages waiting for their turn (all processes)")
