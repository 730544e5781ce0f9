"""Build the illustrative readiness scores of a five-practice network (``readiness_demo.csv``).

    python datasets/build_purpose.py            # rewrite datasets/readiness_demo.csv
    python datasets/build_purpose.py --out DIR  # write it somewhere else

ILLUSTRATIVE ONLY. Five imaginary practices (Practice A to Practice E) score themselves 1 to 4 on
every item of ``readiness_items.csv`` (Becky Malby's readiness stage and Dr Phil Yates's nine
considerations, read from that file, in its order). No real practice or network is described.

How a score is drawn (every number below is the workbook's invention, chosen so that the
chapter's finding shows: the practices disagree about where they are, more on some items than
others, and the slowest practice is not the same one on every item):

    score = clip(round(PRACTICE_LEVEL[practice] + ITEM_SHIFT[strand] + noise), 1, 4)
    noise ~ Normal(0, CONTESTED_SD) on the CONTESTED items, Normal(0, SETTLED_SD) on the others

drawn with ``numpy.random.default_rng(SEED)``, practice by practice, item by item in file order.
``check_properties`` asserts the teaching properties, so a regeneration that loses them fails
loudly instead of writing a dull table. Output is byte-identical on every run: fixed row and
column order, whole-number scores, ``\\n`` line endings, UTF-8.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ITEMS_FILE = HERE / "readiness_items.csv"
OUT_NAME = "readiness_demo.csv"
ILLUSTRATIVE = "illustrative (seeded synthetic, datasets/build_purpose.py)"

SEED = 20190701  # arbitrary; fixed so the table rebuilds byte for byte
# Invented starting level of each imaginary practice (on the 1-4 scale), strongest first.
PRACTICE_LEVEL = {"Practice A": 3.1, "Practice B": 2.8, "Practice C": 2.5, "Practice D": 2.2, "Practice E": 1.9}
# Invented: practices rate their own foundations a little higher than the untested questions of
# forming a collaboration together.
ITEM_SHIFT = {"readiness_stage": 0.3, "considerations": -0.2}
# Invented: items on which practices' views of the same network tend to part company (how money
# and risk are shared, who speaks for the GPs, what the vision is): wider noise there.
CONTESTED = ("risk_gainshare", "gp_representation", "vision_culture", "ownership_leadership")
CONTESTED_SD = 1.0
SETTLED_SD = 0.35
HEADER = ["practice", "item", "score", "basis"]


def read_items(path: Path = ITEMS_FILE) -> list[tuple[str, str]]:
    """(item, strand) pairs of the readiness items, in file order."""
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["item"], row["strand"]) for row in csv.DictReader(f)]


def build(items: list[tuple[str, str]] | None = None) -> list[list[str]]:
    """The rows of ``readiness_demo.csv`` (header first), drawn from a fresh seeded generator."""
    items = read_items() if items is None else items
    unknown = [c for c in CONTESTED if c not in {i for i, _ in items}]
    assert not unknown, f"CONTESTED names items that are not in readiness_items.csv: {unknown}"
    rng = np.random.default_rng(SEED)
    rows = [HEADER]
    for practice, level in PRACTICE_LEVEL.items():
        for item, strand in items:
            sd = CONTESTED_SD if item in CONTESTED else SETTLED_SD
            raw = level + ITEM_SHIFT[strand] + rng.normal(0.0, sd)
            score = int(min(4, max(1, np.floor(raw + 0.5))))  # half up, then onto the 1-4 scale
            rows.append([practice, item, str(score), ILLUSTRATIVE])
    check_properties(rows)
    return rows


def check_properties(rows: list[list[str]]) -> None:
    """Assert what the chapter teaches from these data (an AssertionError names what broke)."""
    scores: dict[str, dict[str, int]] = {}
    for practice, item, score, _ in rows[1:]:
        scores.setdefault(item, {})[practice] = int(score)
    ranges = {item: max(s.values()) - min(s.values()) for item, s in scores.items()}
    assert max(ranges.values()) >= 3, "no item spreads across the whole scale: the disagreement does not show"
    assert min(ranges.values()) <= 1, "no item on which the practices roughly agree: nothing to contrast"
    widest = max(ranges.values())
    assert any(item in CONTESTED for item, r in ranges.items() if r == widest), \
        "the widest disagreement is not on a contested item"
    slowest = {p for s in scores.values() for p, v in s.items() if v == min(s.values())}
    assert len(slowest) >= 3, "the same one or two practices are slowest on every item"
    every = [v for s in scores.values() for v in s.values()]
    assert 1 in every and 4 in every, "the scores do not use both ends of the scale"


def write(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / OUT_NAME
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(build())
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: datasets/)")
    print(write(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
