"""PostgreSQL's write rate for article-sized transactions: how many ingest workers one database feeds.

python benchmarks/pg_write_rate.py [--seconds 20] [--clients 1 2 4]

Starts a throw-away PostgreSQL from the installed binaries (tests/postgres.py, with fsync and
synchronous commits on again, as a deployment runs), talks to it over its Unix socket, creates tables
shaped like the store's, and runs pgbench with a transaction that writes what storing one article
writes: a source with its text, 6 sentences, 3 quotes, 5 estimates, 22 shingles and 4 shingle
counts, 3 claim counts and 6 claim roots (upserts on shared keys, as claims repeat across
articles), 8 full-text rows (tsvector, GIN), and the near-copy lookup of its shingles. The row
counts are the store's own per article on benchmarks/corpus.py text (60 rows). It measures the
database alone, without the store's write lock: the headroom a narrower lock would reach.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.postgres import temporary_server

SCHEMA = """
CREATE TABLE sources (id bigserial PRIMARY KEY, outlet text, url text, body text, content_hash text UNIQUE,
                      ingested_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX sources_url ON sources (url);
CREATE TABLE sentences (id bigserial PRIMARY KEY, source_id bigint NOT NULL REFERENCES sources, text text NOT NULL);
CREATE TABLE quotes (id bigserial PRIMARY KEY, source_id bigint NOT NULL REFERENCES sources, speaker text,
                     text text NOT NULL, claim_key text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX quotes_claim ON quotes (claim_key);
CREATE INDEX quotes_source ON quotes (source_id);
CREATE TABLE estimates (id bigserial PRIMARY KEY, source_id bigint NOT NULL REFERENCES sources, claimant text,
                        value bigint, status text, claim_key text NOT NULL, group_key text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX estimates_group ON estimates (group_key, status);
CREATE INDEX estimates_source ON estimates (source_id);
CREATE TABLE source_shingles (hash bigint NOT NULL, source_id bigint NOT NULL REFERENCES sources,
                              PRIMARY KEY (hash, source_id));
CREATE TABLE shingle_df (hash bigint PRIMARY KEY, n integer NOT NULL);
CREATE TABLE claim_stats (claim_key text PRIMARY KEY, independent integer NOT NULL, outlets text NOT NULL);
CREATE TABLE claim_roots (claim_key text NOT NULL, root bigint NOT NULL, PRIMARY KEY (claim_key, root));
CREATE TABLE facts (id bigserial PRIMARY KEY, fact_id bigint NOT NULL, doc tsvector NOT NULL);
CREATE INDEX facts_doc ON facts USING gin (doc);
"""

ARTICLE = r"""
\set n random(1, 2000000000)
BEGIN;
SELECT id FROM sources WHERE content_hash = md5(:n::text);
INSERT INTO sources (outlet, url, body, content_hash)
     VALUES ('Outlet ' || (:n % 50), 'https://news.example/' || :n, repeat('troops were deployed to the border ', 40),
             md5(:n::text || clock_timestamp()::text)) RETURNING id AS sid \gset
SELECT count(*) FROM source_shingles
 WHERE hash IN (SELECT (random() * 1e12)::bigint FROM generate_series(1, 22));
INSERT INTO source_shingles SELECT DISTINCT (random() * 1e12)::bigint, :sid FROM generate_series(1, 22);
INSERT INTO shingle_df SELECT DISTINCT (random() * 1e5)::bigint, 1 FROM generate_series(1, 4)
    ON CONFLICT (hash) DO UPDATE SET n = shingle_df.n + 1;
INSERT INTO sentences (source_id, text)
     SELECT :sid, 'The ministry said on Monday that ' || g || ' thousand soldiers had been sent.' FROM generate_series(1, 6) g;
INSERT INTO quotes (source_id, speaker, text, claim_key)
     SELECT :sid, 'Speaker ' || g, 'We believe the situation is changing every day ' || g, 'q' || (random() * 20000)::int
       FROM generate_series(1, 3) g;
INSERT INTO estimates (source_id, claimant, value, status, claim_key, group_key)
     SELECT :sid, 'the defence ministry', 1000 * g, 'deployed', 'e' || (random() * 5000)::int, 'g' || (random() * 300)::int
       FROM generate_series(1, 5) g;
INSERT INTO claim_stats SELECT DISTINCT 'c' || (random() * 5000)::int, 1, '["Outlet"]' FROM generate_series(1, 3)
    ON CONFLICT (claim_key) DO UPDATE SET independent = claim_stats.independent + 1;
INSERT INTO claim_roots SELECT DISTINCT 'c' || (random() * 5000)::int, :sid FROM generate_series(1, 6)
    ON CONFLICT DO NOTHING;
INSERT INTO facts (fact_id, doc)
     SELECT g, to_tsvector('english', 'North Korean troops were deployed to Kursk, the ministry said ' || g)
       FROM generate_series(1, 8) g;
COMMIT;
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args()
    durable = ("fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=256MB", "max_wal_size=2GB")
    with temporary_server(settings=durable) as server:
        script = server.root / "article.sql"
        script.write_text(ARTICLE)
        where = ["-h", str(server.root), "-p", str(server.port), "-U", "postgres"]

        def run(tool: str, *cmd: str) -> str:
            done = server.run(tool, *where, *cmd)
            if done.returncode != 0:
                raise SystemExit(f"{tool} failed: {done.stderr.strip()}")
            return done.stdout

        run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", "CREATE DATABASE bench")
        run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", "bench", "-c", SCHEMA)
        print(f"{'clients':>7} {'articles/s':>11} {'rows/s':>8} {'latency ms':>11}")
        for clients in args.clients:
            out = run(
                "pgbench",
                "-n",
                "-c",
                str(clients),
                "-j",
                str(clients),
                "-T",
                str(args.seconds),
                "-f",
                str(script),
                "bench",
            )
            failed = re.search(r"number of failed transactions: (\d+)", out)
            if "aborted" in out or (failed and int(failed.group(1))):
                print(out)
            tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
            latency = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))  # type: ignore[union-attr]
            print(f"{clients:>7} {tps:>11.0f} {tps * 60:>8,.0f} {latency:>11.1f}", flush=True)


if __name__ == "__main__":
    main()
