# Warden: multi-stage build, runs as an unprivileged user, healthcheck on /healthz.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY config ./config
COPY sandbox ./sandbox
RUN python -m venv /opt/warden \
    && /opt/warden/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/warden/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 warden \
    && mkdir -p /data && chown warden:warden /data
COPY --from=build /opt/warden /opt/warden
# /setup registers the app from this manifest and writes its credentials to ./.env
COPY --chown=warden:warden app.yml /home/warden/app.yml
ENV PATH="/opt/warden/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:////data/warden.sqlite3
USER warden
WORKDIR /home/warden
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"3000\")}/healthz', timeout=4)"
CMD ["warden", "serve"]
