"""The `briefings` command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from briefings import __version__
from briefings.articles import ArticleError, parse_article
from briefings.extract import extract
from briefings.models import Extraction


def extraction_json(ex: Extraction) -> dict:
    """One article's facts in the evaluation format (../shared/eval/README.md), plus evidence."""
    return {
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "role": q.entity.role if q.entity else None,
                "date": q.date.isoformat() if q.date else None,
                "date_basis": q.date_basis.value,
                "sentence": q.evidence.sentence,
                "span": [q.evidence.start, q.evidence.end],
            }
            for q in ex.quotes
        ],
        "estimates": [
            {
                "claimant": e.claimant,
                "value": e.value,
                **({"low": e.low, "high": e.high} if e.low is not None else {}),
                "qualifier": e.qualifier.value,
                "status": e.status.value,
                "date": e.date.isoformat() if e.date else None,
                "date_basis": e.date_basis.value,
                "sentence": e.evidence.sentence,
                "span": [e.evidence.start, e.evidence.end],
            }
            for e in ex.estimates
        ],
        "entities": [e.model_dump(mode="json") for e in ex.entities],
    }


def cmd_extract(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        article = parse_article(path.read_bytes(), str(path), path.suffix)
    except (OSError, ArticleError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    published = article.meta.published.date() if article.meta.published else None
    ex = extract(article.body, published, article.meta.outlet)
    print(json.dumps(extraction_json(ex), ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="briefings")
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="print one article's facts")
    p.add_argument("file")
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(func=cmd_extract)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
