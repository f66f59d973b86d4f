"""A generator of news-like articles that varies names, numbers and phrasing, for benchmarks."""

from __future__ import annotations

import random

FIRST = ["Alma", "Piet", "Helga", "Omar", "Ingrid", "Tomas", "Sara", "Jonas", "Lena", "Karin", "Aldo", "Marta"]
LAST = ["Ruiz", "Haller", "Brandt", "Said", "Solberg", "Riva", "Lind", "Varga", "Koss", "Holt", "Mancini", "Ilves"]
ROLES = [
    "Defence Minister",
    "Foreign Ministry spokesperson",
    "intelligence chief",
    "Army spokesman",
    "Deputy Prime Minister",
]
BODIES = [
    "the defence ministry",
    "the intelligence agency",
    "the general staff",
    "the foreign ministry",
    "military officials",
]
HEDGES = ["", "about ", "at least ", "more than ", "as many as ", "some ", "nearly "]
STATUS = [
    "had been deployed to the border",
    "would be sent by the end of the month",
    "were fighting on the front line",
    "had been killed or wounded",
    "were training at bases in the north",
]
FILLER = [
    "The talks in Geneva ended without agreement after three days of meetings.",
    "Markets fell sharply on the news, with the currency losing 4% against the dollar.",
    "The region has seen repeated clashes since the ceasefire collapsed in the spring.",
    "Aid groups said supplies of food and fuel were running low in several towns.",
]


def article(rng: random.Random) -> str:
    lines = []
    people = [(rng.choice(ROLES), f"{rng.choice(FIRST)} {rng.choice(LAST)}") for _ in range(3)]
    for _ in range(rng.randint(6, 12)):
        role, name = rng.choice(people)
        n = rng.choice([300, 1200, 3000, 4500, 8000, 10000, 12000, 15000])
        form = rng.randrange(5)
        hedge, status = rng.choice(HEDGES), rng.choice(STATUS)
        if form == 0:
            lines.append(
                f"{role} {name} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that {hedge}{n:,} troops {status}."
            )
        elif form == 1:
            lines.append(f"“We believe {hedge}{n:,} soldiers {status},” {name.split()[1]} told reporters.")
        elif form == 2:
            lines.append(f"According to {rng.choice(BODIES)}, {hedge}{n:,} troops {status}.")
        elif form == 3:
            lines.append(f"“The situation is changing every day and we are ready,” said {role} {name}.")
        else:
            lines.append(rng.choice(FILLER))
    return "\n".join(lines)


def corpus(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [article(rng) for _ in range(n)]
