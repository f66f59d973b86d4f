# syntax=docker/dockerfile:1
# A two-stage image: the build stage makes a virtual environment; the final one holds only it,
# the seed articles and Python, and runs as an unprivileged user with its data on /data.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY briefings ./briefings
COPY bot ./bot
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir --quiet . \
 && find /app/.venv -name "__pycache__" -prune -exec rm -rf {} + \
 && rm -rf /app/.venv/lib/python3*/site-packages/pip /app/.venv/bin/pip*

FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin briefings \
 && mkdir -p /data \
 && chown briefings:briefings /data
COPY --from=build /app/.venv /app/.venv
COPY seeds /app/seeds
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    BRIEFINGS_DB=/data/briefings.db \
    BRIEFINGS_SEEDS=/app/seeds
USER briefings
WORKDIR /app
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=15s --start-period=90s --retries=3 CMD ["briefings", "health"]
ENTRYPOINT ["briefings"]
CMD ["bot"]
