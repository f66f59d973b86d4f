# A two-stage image: the build stage makes a virtual environment; the final one holds only it,
# the seed articles and Python, and runs as an unprivileged user (10001:10001) with its data on /data.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY briefings ./briefings
COPY bot ./bot
# The versions the tests pass with (constraints.txt), pip's own first (Debian's warns on every install). The bytecode is compiled here, once: the
# environment is read-only to the image's user, so Python could not cache it at run time and every
# call (the health check's too) would compile everything again. Hash-based .pyc files stay valid
# whatever the copy into the final stage does to the files' times.
RUN python3 -m venv /app/.venv \
 && /app/.venv/bin/pip install --no-cache-dir --quiet -c constraints.txt -U pip \
 && /app/.venv/bin/pip install --no-cache-dir --quiet -c constraints.txt . \
 && rm -rf /app/.venv/lib/python3*/site-packages/pip /app/.venv/lib/python3*/site-packages/pip-* /app/.venv/bin/pip* \
 && python3 -m compileall -q -f --invalidation-mode unchecked-hash /app/.venv/lib

FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 briefings \
 && useradd --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin briefings \
 && mkdir -p /data \
 && chown 10001:10001 /data
COPY --from=build /app/.venv /app/.venv
COPY seeds /app/seeds
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    BRIEFINGS_DB=/data/briefings.db \
    BRIEFINGS_STATE_DIR=/data \
    BRIEFINGS_SEEDS=/app/seeds
# numeric, so that a runtime can tell it is not root without reading the image's /etc/passwd
USER 10001:10001
WORKDIR /app
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=15s --start-period=90s --retries=3 CMD ["briefings", "health"]
ENTRYPOINT ["briefings"]
CMD ["bot"]
