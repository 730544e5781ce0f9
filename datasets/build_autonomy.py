"""Build the four Autonomy Paradox tables from the NHS list-size file.

    python datasets/build_autonomy.py            # rewrite the CSVs in datasets/
    python datasets/build_autonomy.py --out DIR  # write them somewhere else

Inputs: ``nhs_practice_lists_2021_01.csv`` (NHS Digital, Patients Registered at a GP Practice,
January 2021; Open Government Licence v3.0). Real: the list sizes, which are national percentiles
of all 6,658 practices, so no row stands for a real practice. Invented for teaching: every cost,
minimum population, saving and practice trait. The changes come from Ben Gowland, "Can you solve
The Autonomy Paradox?", The General Practice Blog (one accountant, a paramedic-led visiting
service, dermatology at one practice, extended access) and from Primary Care Commissioning,
"Cheshire takes its own steps to primary care at scale" (8 May 2017): a manager for HR and Care
Quality Commission work shared by a group of practices (Dr Phil Yates) and a medicines service for
care homes run by a GP federation.

Each saving is drawn with ``numpy.random.default_rng(SEED)`` around a central value written below
with its reason: ``central * clip(Normal(1, NOISE_SD), 1 - NOISE_CAP, 1 + NOISE_CAP)``, rounded to
pence. The cap keeps the teaching properties (asserted in ``check_properties``) true by
construction, not by luck of the seed. Output is byte-identical on every run: fixed row order,
fixed column order, two decimals for money, ``\\n`` line endings, UTF-8.
"""
from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
NHS_FILE = HERE / "nhs_practice_lists_2021_01.csv"
PUBLICATION = "NHS Digital, Patients Registered at a GP Practice, Jan 2021"
ESSAY = "Ben Gowland, 'Can you solve The Autonomy Paradox?', The General Practice Blog"
PCC = ("Primary Care Commissioning, 'Cheshire takes its own steps to primary care at scale', "
       "PCC news, 8 May 2017")
ILLUSTRATIVE = "illustrative (seeded synthetic, datasets/build_autonomy.py)"

SEED = 20210101
NOISE_SD = 0.05
NOISE_CAP = 0.10
# FIGURES.md, computed from the same file: national list-size percentiles, January 2021
FIGURES_PERCENTILES = {10: 3_388, 25: 5_086, 50: 7_931, 75: 11_608, 90: 15_756}
# Drawn in this order (the four-practice warm-up first, as before the five-practice scenario existed)
SCENARIO_PERCENTILES = {"single_accountant": (25, 50, 75, 90), "five_practices": (10, 25, 50, 75, 90)}
PERCENTILE_WORDS = {10: "10th percentile", 25: "25th percentile", 50: "median (50th percentile)",
                    75: "75th percentile", 90: "90th percentile"}

GP_HOUR_GBP = 80.0  # illustrative cost of an hour of GP time (roughly a locum rate), not a published figure
WORKING_DAYS = 250
ENHANCED_ACCESS_GBP = 7.674  # per adjusted patient per year (LMC guidance, PCN DES Enhanced Access)
ACCESS_COST = 360_000  # illustrative yearly cost of the five practices' evening and weekend hub


@dataclass(frozen=True)
class ChangeSpec:
    key: str
    label: str
    description: str
    annual_cost: float
    min_population: int
    cost_basis: str
    central: dict[str, tuple[float, str]]  # practice -> (central GBP per patient per year, why)
    source: str = ESSAY  # the text that names the change
    source_phrase: str = ""  # 3-6 words copied from that text, showing the change is in it


class PropertyBroken(AssertionError):
    """The built data no longer has a property the chapter relies on."""


def require(condition: bool, message: object) -> None:
    if not condition:  # a plain assert would vanish under python -O
        raise PropertyBroken(message)


# ---------------------------------------------------------------- list sizes (real)

def nhs_lists(path: Path = NHS_FILE) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"CODE": str, "POSTCODE": str, "NUMBER_OF_PATIENTS": "int64"})


def percentile_list_size(lists: pd.Series, q: float) -> int:
    """National q-th percentile list size: numpy linear interpolation (its default, the same as
    pandas ``quantile``), rounded half up to a whole patient (7,930.5 -> 7,931, as in FIGURES.md)."""
    return int(math.floor(float(np.percentile(lists.to_numpy(), q, method="linear")) + 0.5))


def percentile_practices(nhs: pd.DataFrame, percentiles: tuple[int, ...]) -> list[tuple[str, int, str]]:
    """Practice A, B, ... with the national list-size percentiles, smallest first."""
    sizes = [percentile_list_size(nhs["NUMBER_OF_PATIENTS"], q) for q in percentiles]
    expected = [FIGURES_PERCENTILES[q] for q in percentiles]
    require(sizes == expected, f"percentiles {sizes} differ from FIGURES.md {expected}")
    return [
        (f"Practice {letter}", size,
         f"{PUBLICATION}: national {PERCENTILE_WORDS[q]} list size of all {len(nhs):,} practices "
         "(numpy.percentile, linear interpolation, rounded half up)")
        for letter, q, size in zip("ABCDE", percentiles, sizes)
    ]


# ---------------------------------------------------------------- changes (illustrative)

def visiting_central(hours_a_day: float, list_size: int, why: str) -> tuple[float, str]:
    value = hours_a_day * WORKING_DAYS * GP_HOUR_GBP / list_size
    hours = "1 hour" if hours_a_day == 1 else f"{hours_a_day:g} hours"
    return value, (f"about {hours} of GP time a day released (the LMC debate's 2 hours a day for "
                   f"practices, read here as per practice; Gowland, 'The future for GP Home Visiting "
                   f"Services?') "
                   f"at an illustrative GBP {GP_HOUR_GBP:.0f} per GP hour "
                   f"over {WORKING_DAYS} working days; {why}")


def access_central(weighting: float, use: float, why: str) -> tuple[float, str]:
    value = ENHANCED_ACCESS_GBP * weighting + use
    return value, (f"Enhanced Access payment GBP {ENHANCED_ACCESS_GBP} per adjusted patient (LMC guidance) "
                   f"times an illustrative adjusted/registered ratio of {weighting:.2f}, plus GBP "
                   f"{use:.2f} of core-hours appointments freed by its patients' use of the "
                   f"evening and weekend sessions; {why}")


def five_practices_changes(lists: dict[str, int]) -> list[ChangeSpec]:
    """Six changes for five typical practices, A (smallest) to E (largest). Every trait is invented."""
    A, B, C, D, E = (f"Practice {x}" for x in "ABCDE")
    return [
        ChangeSpec(
            "single_accountant", "One accountant for all",
            "All practices move their annual accounts, payroll and tax returns to one firm "
            "contracted by the group.",
            52_000, 0, "one firm's fee for five sets of accounts, about GBP 1.19 per patient",
            {A: (2.35, "smallest practice: fees do not shrink with the list"),
             B: (2.10, "small practice paying a typical fee"),
             C: (1.80, "median practice paying a typical fee"),
             D: (1.50, "large practice, some economy of scale in its own fee"),
             E: (1.00, "largest practice, already on a cheap, long-standing accountancy deal")},
            ESSAY, "move to a single accountant"),
        ChangeSpec(
            "shared_manager", "One manager for HR and CQC",
            "The group employs one manager who specialises in staff matters and Care Quality "
            "Commission inspections and works across all the practices.",
            30_000, 0, "three days a week of a specialist manager, with on-costs; a large practice "
            "could just about justify one of its own",
            {A: (2.30, "small practice that buys in HR advice"),
             B: (2.00, "its practice manager spends days preparing for inspections"),
             C: (1.70, "typical practice"),
             D: (0.50, "its practice manager already covers HR and inspections well"),
             E: (2.20, "large practice with many staff to manage")},
            PCC, "Care Quality Commission liaison issues"),
        ChangeSpec(
            "dermatology_hub", "Dermatology at one practice",
            "Practices send routine skin referrals to one practice with a GP who has an extended "
            "role in dermatology, instead of to the hospital.",
            35_000, 20_000,
            "two sessions a week of a GP with an extended role plus dermatoscope and photo kit; "
            "needs enough referrals to fill the sessions",
            {A: (0.60, "refers few skin problems to hospital"),
             B: (0.90, "average referral rate"),
             C: (0.80, "average referral rate"),
             D: (1.00, "high referral rate, long hospital waits"),
             E: (0.70, "a partner already handles most skin problems in house")},
            ESSAY, "cross-refer their dermatology patients"),
        ChangeSpec(
            "care_home_medicines", "Care-home medicines service",
            "A shared pharmacy team reviews and manages the medicines of the practices' patients "
            "who live in care homes.",
            50_000, 20_000,
            "a pharmacist and a pharmacy technician shared by the group; needs enough care-home "
            "beds to fill their week",
            {A: (0.30, "no care home on its list"),
             B: (2.00, "two care homes on a small list"),
             C: (1.20, "one care home"),
             D: (1.45, "two care homes"),
             E: (1.00, "one large care home")},
            PCC, "medicines management service for care homes"),
        ChangeSpec(
            "visiting_service", "Paramedic-led home visiting",
            "A shared team of paramedics visits patients who call for an urgent home visit and "
            "reports back to their practice, so GPs stay in surgery.",
            150_000, 30_000,
            "two paramedic practitioners, a car and GP supervision; needs network-scale demand",
            {A: visiting_central(1.0, lists[A], "small list but many housebound patients"),
             B: visiting_central(1.8, lists[B], "old population"),
             C: visiting_central(2.0, lists[C], "average mix of housebound patients"),
             D: visiting_central(1.2, lists[D], "young population, few visit requests"),
             E: visiting_central(2.6, lists[E], "big list, average mix of housebound patients")},
            ESSAY, "new paramedic-led visiting service"),
        ChangeSpec(
            "extended_access", "Evening and weekend appointments",
            "The group runs evening and Saturday appointments from one site for the patients of every "
            "practice, instead of each practice opening late on its own.",
            ACCESS_COST, 30_000,
            f"evening and Saturday sessions at one site at an illustrative GBP "
            f"{ACCESS_COST / sum(lists.values()):.2f} per patient a year, a little more than the Enhanced "
            "Access payment brings in; a network-scale service",
            {A: access_central(1.03, 1.90, "older list whose patients use the sessions a lot"),
             B: access_central(1.01, 1.30, "patients use the sessions often"),
             C: access_central(1.00, 0.90, "average use"),
             D: access_central(0.99, 0.50, "the hub site is across town and its patients rarely go"),
             E: access_central(1.00, 1.00, "average use")},
            ESSAY, "disputes about differential utilisation"),
    ]


def single_accountant_changes() -> list[ChangeSpec]:
    A, B, C, D = (f"Practice {x}" for x in "ABCD")
    return [ChangeSpec(
        "single_accountant", "One accountant for all",
        "All four practices move their annual accounts, payroll and tax returns to one firm "
        "contracted by the group.",
        46_000, 0, "one firm's fee for four sets of accounts, about GBP 1.14 per patient",
        {A: (2.25, "smallest practice: fees do not shrink with the list"),
         B: (1.80, "median practice paying a typical fee"),
         C: (1.40, "large practice, some economy of scale in its own fee"),
         D: (0.95, "largest practice with a cheap, long-standing accountancy deal")},
        ESSAY, "move to a single accountant")]


# ---------------------------------------------------------------- assemble and check

def draw_savings(rng: np.random.Generator, scenario: str, changes: list[ChangeSpec]) -> list[list[str]]:
    rows = []
    for change in sorted(changes, key=lambda c: c.key):
        for practice in sorted(change.central):
            central, why = change.central[practice]
            factor = float(np.clip(rng.normal(1.0, NOISE_SD), 1 - NOISE_CAP, 1 + NOISE_CAP))
            rows.append([scenario, change.key, practice, f"{round(central * factor, 2):.2f}",
                         f"{ILLUSTRATIVE}: drawn around GBP {central:.2f} per patient per year "
                         f"(normal noise, sd {NOISE_SD:.0%}, capped at {NOISE_CAP:.0%}); "
                         f"invented trait of a typical practice: {why}"])
    return rows


def change_rows(scenario: str, changes: list[ChangeSpec]) -> list[list[str]]:
    return [[scenario, c.key, c.label, c.description, f"{c.annual_cost:.2f}", str(c.min_population),
             f"Change: {c.source}. Annual cost and minimum population {ILLUSTRATIVE}: {c.cost_basis}.",
             c.source_phrase]
            for c in sorted(changes, key=lambda c: c.key)]


SCENARIOS = [
    ["five_practices", "Five neighbouring practices",
     "Five neighbouring practices whose list sizes are the 10th, 25th, 50th, 75th and 90th percentiles "
     "of every practice in England in January 2021, about 44,000 patients together: typical practices, "
     "not real ones. They weigh six shared changes, from one accountant to evening and weekend "
     "appointments. Most changes pay off for the group, some only at network scale, but each one "
     "leaves at least one practice paying more than it gains if costs are split by list size. Every "
     "cost, saving and practice trait is invented for teaching.",
     f"List sizes: {PUBLICATION} (national percentiles). Changes: {ESSAY} (one accountant, "
     f"paramedic-led visiting, dermatology at one practice, extended access); {PCC} (a shared HR and "
     f"CQC manager, a care-home medicines service). Costs, savings and traits: {ILLUSTRATIVE}.",
     "rarely shared equally"],
    ["single_accountant", "One accountant, four typical practices",
     "Four practices whose list sizes are the 25th, 50th, 75th and 90th percentile of every practice "
     "in England consider a single change: handing their accounts to one firm. The group as a whole "
     "saves money, but the biggest practice already pays its own accountant less per patient than its "
     "share of the new fee, so splitting the bill by list size leaves it worse off.",
     f"List sizes: {PUBLICATION} (national percentiles). Change: {ESSAY}. "
     f"Costs and savings: {ILLUSTRATIVE}.",
     "move to a single accountant"],
]

PLAUSIBLE = {  # GBP per patient per year a saving may fall in, so a careless edit fails loudly
    "single_accountant": (0.9, 2.6),  # our own assumption for accountancy fees, not a published figure
    "extended_access": (5.0, 11.0),   # anchored on GBP 7.674 per adjusted patient
}


def check_properties(practices: list[list[str]], changes: list[list[str]], savings: list[list[str]]) -> None:
    """Assert the teaching properties the chapter relies on (see datasets/README.md)."""
    lists = {(r[0], r[1]): int(r[2]) for r in practices}
    for scenario in sorted({r[0] for r in practices}):
        population = sum(n for (s, _), n in lists.items() if s == scenario)
        surplus = {}
        for _, key, _, _, cost, min_pop, *_ in (r for r in changes if r[0] == scenario):
            cost, min_pop = float(cost), int(min_pop)
            share = cost / population
            rows = [(p, float(s)) for sc, c, p, s, _ in savings if sc == scenario and c == key]
            require(len(rows) == sum(1 for s, _ in lists if s == scenario), f"{scenario}/{key}: rows missing")
            require(all(s >= 0 for _, s in rows), f"{scenario}/{key}: negative saving")
            require(any(s < share for _, s in rows), f"{scenario}/{key}: nobody loses without transfers")
            require(population >= min_pop, f"{scenario}/{key}: the whole group is too small")
            if min_pop > 0:
                require(max(lists[scenario, p] for p, _ in rows) < min_pop, f"{key}: one practice suffices")
            low, high = PLAUSIBLE.get(key, (0.0, 15.0))
            require(all(low <= s <= high for _, s in rows), f"{scenario}/{key}: implausible saving")
            if key == "visiting_service":
                hours = [s * lists[scenario, p] / (WORKING_DAYS * GP_HOUR_GBP) for p, s in rows]
                # FIGURES.md: visits are claimed to take two to three hours a day
                require(all(0.5 <= h <= 3.0 for h in hours), f"visiting hours a day out of range: {hours}")
            surplus[key] = (sum(s * lists[scenario, p] for p, s in rows) - cost) / cost
        require(sum(v > 0 for v in surplus.values()) > len(surplus) / 2, f"{scenario}: most changes should pay")
        if len(surplus) > 1:
            require(any(v <= 0.05 for v in surplus.values()), f"{scenario}: no marginal change")


def build() -> dict[str, tuple[list[str], list[list[str]]]]:
    rng = np.random.default_rng(SEED)
    nhs = nhs_lists()
    scenarios = {name: percentile_practices(nhs, qs) for name, qs in SCENARIO_PERCENTILES.items()}
    specs = {"single_accountant": single_accountant_changes(),
             "five_practices": five_practices_changes({p: n for p, n, _ in scenarios["five_practices"]})}
    practices, changes, savings = [], [], []
    for scenario in scenarios:  # SCENARIO_PERCENTILES order: it fixes the random draws
        practices += [[scenario, name, str(size), source] for name, size, source in scenarios[scenario]]
        changes += change_rows(scenario, specs[scenario])
        savings += draw_savings(rng, scenario, specs[scenario])
    check_properties(practices, changes, savings)
    return {
        "autonomy_scenarios.csv": (["scenario", "label", "description", "source", "source_phrase"],
                                   sorted(SCENARIOS)),
        "autonomy_practices.csv": (["scenario", "practice", "list_size", "list_size_source"], sorted(practices)),
        "autonomy_changes.csv": (["scenario", "change", "label", "description", "annual_cost_gbp",
                                  "min_population", "source", "source_phrase"], sorted(changes)),
        "autonomy_savings.csv": (["scenario", "change", "practice", "saving_gbp_per_patient", "basis"],
                                 sorted(savings)),
    }


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in build().items():
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write the CSVs to")
    for path in write(parser.parse_args(argv).out):
        print(path)


if __name__ == "__main__":
    main()
