"""Who may claim a count: the candidates the rules gather for a claimant model, and a decider's say.
Sentences written for these tests."""

from __future__ import annotations

import datetime as dt

from briefings.extract import extract
from briefings.extract.claimants import NAMES, ClaimCandidate, ClaimScene, rules_only, vector
from briefings.story import find_story

PUB = dt.date(2031, 5, 14)
TEXT = (
    "The regional governor, Mira Tamsin, said on Monday that the flood had killed 14 people. "
    "Another 30 residents are missing, the fire service said, and the Valley Courier reported 12 deaths."
)


def _seen(text: str = TEXT) -> list[tuple[ClaimScene, list[ClaimCandidate]]]:
    seen: list[tuple[ClaimScene, list[ClaimCandidate]]] = []

    def recorder(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
        seen.append((scene, candidates))
        return rules_only(scene, candidates)

    extract(text, PUB, "Daily Ledger", find_story("hurricane-helene"), claims=recorder)
    return seen


def test_every_count_offers_the_rules_choice_first_the_verbs_subjects_and_the_outlet() -> None:
    seen = _seen()
    assert [s.value for s, _ in seen] == [14, 30, 12]
    scene, cands = seen[1]  # "Another 30 residents are missing, the fire service said, and the Courier reported 12"
    assert cands[0].rule and cands[0].speaker == "fire service"
    names = {c.speaker for c in cands}
    assert {"fire service", "Valley Courier", "Daily Ledger", "Mira Tamsin"} <= names
    courier = next(c for c in cands if c.speaker == "Valley Courier")
    assert courier.post == 2 and courier.joined  # a later clause's reporter, after the number
    tamsin = next(c for c in cands if c.speaker == "Mira Tamsin")
    assert tamsin.voice >= 1 and tamsin.last_claim  # reported before, and the claimant of the count before
    assert all(len(vector(c, scene)) == len(NAMES) for c in cands)


def test_a_decider_may_choose_another_candidate_and_the_rules_stand_without_one() -> None:
    def outlet_always(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
        return next(c for c in candidates if c.outlet)

    story = find_story("hurricane-helene")
    ruled = extract(TEXT, PUB, "Daily Ledger", story).estimates
    assert [e.claimant for e in ruled] == ["Mira Tamsin", "fire service", "Valley Courier"]
    decided = extract(TEXT, PUB, "Daily Ledger", story, claims=outlet_always).estimates
    assert [e.claimant for e in decided] == ["Daily Ledger"] * 3


_SCORER = """
def as_list(x):
    return x if isinstance(x, list) else [x]


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def names_match(pred, accepted):
    words = set(pred.lower().split())
    return bool(words) and any(set(a.lower().split()) <= words for a in accepted)


def score_article(gold, pred):
    ge = gold.get("estimates", [])
    used = [False] * len(ge)
    out = {"e_tp": 0, "e_fp": 0, "e_fn": 0, "e_found_wrong_claimant": 0, "status_ok": 0, "errors": []}
    for e in pred["estimates"]:
        hit = next((i for i, g in enumerate(ge) if not used[i] and e["value"] in as_list(g["value"])
                    and names_match(e["claimant"], g["claimant"])), None)
        if hit is None:
            out["e_fp"] += 1
            continue
        used[hit] = True
        out["e_tp"] += 1
        out["status_ok"] += e["status"] in as_list(ge[hit]["status"])
    out["e_fn"] = used.count(False)
    return out
"""

_SETS = {
    "seeds": (
        "Officials in Seoul said 3,000 North Korean troops had arrived in Russia.",
        3000,
        "Officials",
        "deployed",
    ),
    "dev2": ("The agency said 1,500 North Korean soldiers had been sent to Russia.", 1500, "agency", "deployed"),
    "helene": ("Hurricane Helene killed 40 people in Alder, the county sheriff said.", 40, "sheriff", "killed"),
    "protests": ("Organisers said 20,000 protesters marched in Hong Kong on Sunday.", 20000, "Organisers", "attended"),
}


def test_the_claimant_measurement_prints_rules_model_and_ceiling_for_each_held_out_set(tmp_path, capsys) -> None:
    import json
    import textwrap

    import pytest

    pytest.importorskip("sklearn", reason="the measurement needs the [train] extra")
    from benchmarks.claimant_eval import main
    from benchmarks.extract_train import data_sets

    shared = tmp_path / "shared"
    (shared / "eval").mkdir(parents=True)
    (shared / "eval" / "score.py").write_text(textwrap.dedent(_SCORER), encoding="utf-8")
    for ds in data_sets(shared):
        ds.texts.mkdir(parents=True, exist_ok=True)
        ds.gold.parent.mkdir(parents=True, exist_ok=True)
        text, value, claimant, status = _SETS.get(ds.name, ("Nothing is counted here.", 0, "", ""))
        (ds.texts / "a.txt").write_text(text, encoding="utf-8")
        estimates = [{"value": value, "claimant": [claimant], "qualifier": "exact", "status": status}] if value else []
        gold = {"articles": [{"file": "a.txt", "quotes": [], "estimates": estimates, "optional": []}]}
        ds.gold.write_text(json.dumps(gold), encoding="utf-8")
    assert main(["--shared", str(shared)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in _SETS:
        rules = next(line for line in lines if line.startswith(name))
        assert rules.split()[1:3] == ["rules", "1.000"]  # each set's one count, found and credited by the rules
    assert sum("ceiling" in line for line in lines) == 4
    assert sum("rules+trees" in line for line in lines) == 8
