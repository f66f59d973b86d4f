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
