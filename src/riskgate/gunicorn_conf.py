"""gunicorn's settings for RiskGate: `gunicorn -c python:riskgate.gunicorn_conf riskgate.wsgi`.

Each worker builds the port-control screening engine before it takes requests. Otherwise the first screening
request a worker receives builds it (10,000 rules: 1–2 s of reading and compiling) and every request queued
behind it waits that long: measured at the start of `bench/screening/api_load.py` as 1.5 s of requests over
20 ms (docs/decisions/0011)."""


def post_worker_init(worker) -> None:
    from riskgate.targeting import live

    live.warm()
