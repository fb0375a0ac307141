#!/usr/bin/env bash
# Start the demo: migrate, load demo data, run a Celery worker with beat and the web server.
set -euo pipefail
cd "$(dirname "$0")/.."
export RISKGATE_DEV=1 USE_TLS=0
export DJANGO_SETTINGS_MODULE=riskgate.settings
BIN=.venv/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
mkdir -p var
$BIN/python manage.py migrate --noinput
$BIN/python manage.py load_demo
$BIN/celery -A riskgate worker -B --concurrency 1 --loglevel WARNING --logfile var/celery.log &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true' EXIT INT TERM
echo
echo "RiskGate demo: http://$HOST:$PORT/   (API docs: http://$HOST:$PORT/api/v1/docs)"
echo "Background worker and scheduler log: var/celery.log. Stop with Ctrl-C."
echo
$BIN/gunicorn -c python:riskgate.gunicorn_conf riskgate.wsgi --bind "$HOST:$PORT" --workers 2 --access-logfile - --log-level warning
