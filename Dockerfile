# Gracious: one stateless replica. Every setting comes from the environment (see README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    MIGRATE_ON_START=1 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite+aiosqlite:////data/gracious.db

RUN useradd --create-home --uid 10001 gracious \
    && mkdir /data && chown gracious:gracious /data

WORKDIR /srv/gracious
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY templates ./templates
COPY migrations ./migrations
# Installed in place so the package finds templates/ and migrations/ beside it.
RUN pip install -e . && chown -R root:root /srv/gracious

USER gracious
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"

# Migrations take a PostgreSQL advisory lock, so replicas starting together migrate once.
# exec hands PID 1 to the server, which then receives SIGTERM and drains in-flight requests.
# Behind a proxy, set FORWARDED_ALLOW_IPS to its address (none is trusted by default).
CMD ["sh", "-c", "if [ \"$MIGRATE_ON_START\" = 1 ]; then alembic upgrade head; fi && { gracious hint || true; } && exec gracious serve --host \"$HOST\" --port \"$PORT\""]
