"""Build the four Autonomy Paradox tables from the NHS list-size file.

    python datasets/build_autonomy.py            # rewrite the CSVs in datasets/
    python datasets/build_autonomy.py --out DIR  # write them somewhere else

Inputs: ``nhs_practice_lists_2021_01.csv`` (NHS Digital, Patients Registered at a GP Practice,
January 2021; Open Government Licence v3.0). Real: the list sizes. Invented for teaching: every cost,
minimum population and saving. The changes come from Ben Gowland, "Can you solve The Autonomy
Paradox?", The General Practice Blog.

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
ILLUSTRATIVE = "illustrative (seeded synthetic, datasets/build_autonomy.py)"

SEED = 20210101
NOISE_SD = 0.05
NOISE_CAP = 0.10
WINSFORD_DISTRICT = "CW7 "
WINSFORD_TOTAL = 36_676  # sum of the five CW7 lists, Jan 2021
PERCENTILES = (25, 50, 75, 90)
FIGURES_PERCENTILES = (5_086, 7_931, 11_608, 15_756)  # FIGURES.md, computed from the same file

GP_HOUR_GBP = 80.0  # illustrative cost of an hour of GP time (roughly a locum rate), not a published figure
WORKING_DAYS = 250
ENHANCED_ACCESS_GBP = 7.674  # per adjusted patient per year (LMC guidance, PCN DES Enhanced Access)


@dataclass(frozen=True)
class ChangeSpec:
    key: str
    label: str
    description: str
    annual_cost: float
    min_population: int
    cost_basis: str
    central: dict[str, tuple[float, str]]  # practice -> (central GBP per patient per year, why)


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


def winsford_practices(nhs: pd.DataFrame) -> list[tuple[str, int, str]]:
    cw7 = nhs[nhs["POSTCODE"].str.startswith(WINSFORD_DISTRICT)].sort_values("CODE")
    require(list(cw7["CODE"]) == ["N81024", "N81040", "N81074", "N81123", "N81127"],
            f"CW7 practices changed: {list(cw7['CODE'])}")
    require(cw7["NUMBER_OF_PATIENTS"].sum() == WINSFORD_TOTAL, f"CW7 total is not {WINSFORD_TOTAL:,}")
    return [
        (f"Practice {letter}", int(row.NUMBER_OF_PATIENTS),
         f"{PUBLICATION}, practice {row.CODE} (postcode district CW7, Winsford)")
        for letter, row in zip("ABCDE", cw7.itertuples())
    ]


def percentile_practices(nhs: pd.DataFrame) -> list[tuple[str, int, str]]:
    sizes = [percentile_list_size(nhs["NUMBER_OF_PATIENTS"], q) for q in PERCENTILES]
    require(tuple(sizes) == FIGURES_PERCENTILES, f"percentiles {sizes} differ from FIGURES.md")
    words = {25: "25th percentile", 50: "median (50th percentile)", 75: "75th percentile",
             90: "90th percentile"}
    return [
        (f"Practice {letter}", size,
         f"{PUBLICATION}: national {words[q]} list size of all {len(nhs):,} practices "
         "(numpy.percentile, linear interpolation, rounded half up)")
        for letter, q, size in zip("ABCD", PERCENTILES, sizes)
    ]


# ---------------------------------------------------------------- changes (illustrative)

def visiting_central(hours_a_day: float, list_size: int, why: str) -> tuple[float, str]:
    value = hours_a_day * WORKING_DAYS * GP_HOUR_GBP / list_size
    return value, (f"about {hours_a_day:g} hours of GP time a day released (about 2 hours a day per "
                   f"practice in the LMC debate; Gowland, 'The future for GP Home Visiting Services?') "
                   f"at an illustrative GBP {GP_HOUR_GBP:.0f} per GP hour "
                   f"over {WORKING_DAYS} working days; {why}")


def access_central(weighting: float, released: float, why: str) -> tuple[float, str]:
    value = ENHANCED_ACCESS_GBP * weighting + released
    return value, (f"Enhanced Access payment GBP {ENHANCED_ACCESS_GBP} per adjusted patient (LMC guidance) "
                   f"times an illustrative adjusted/registered ratio of {weighting:.2f}, plus GBP "
                   f"{released:.2f} of core-hours appointments freed by its patients' use of the "
                   f"evening and weekend sessions; {why}")


def winsford_changes(lists: dict[str, int]) -> list[ChangeSpec]:
    A, B, C, D, E = (f"Practice {x}" for x in "ABCDE")
    return [
        ChangeSpec(
            "single_accountant", "One accountant for all",
            "All practices move their annual accounts, payroll and tax returns to one firm "
            "contracted by the group.",
            44_000, 0, "one firm's fee for five sets of accounts, about GBP 1.20 per patient",
            {A: (1.05, "large practice already on a cheap, long-standing accountancy deal"),
             B: (1.90, "mid-sized practice paying a typical fee"),
             C: (2.30, "smallest practice: fees do not shrink with the list"),
             D: (1.70, "mid-sized practice paying a typical fee"),
             E: (1.40, "larger practice with a fairly cheap accountant")}),
        ChangeSpec(
            "visiting_service", "Paramedic-led home visiting",
            "A shared team of paramedics visits patients who call for an urgent home visit and "
            "reports back to their practice, so GPs stay in surgery.",
            150_000, 30_000,
            "two paramedic practitioners, a car and GP supervision; needs network-scale demand",
            {A: visiting_central(2.5, lists[A], "big list with two care homes"),
             B: visiting_central(1.5, lists[B], "average mix of housebound patients"),
             C: visiting_central(2.0, lists[C], "small list but an old population"),
             D: visiting_central(0.8, lists[D], "young population, few visit requests"),
             E: visiting_central(2.0, lists[E], "average mix of housebound patients")}),
        ChangeSpec(
            "dermatology_hub", "Dermatology at one practice",
            "Practices send routine skin referrals to one practice with a GP who has an extended "
            "role in dermatology, instead of to the hospital.",
            35_000, 20_000,
            "two sessions a week of a GP with an extended role plus dermatoscope and photo kit; "
            "needs enough referrals to fill the sessions",
            {A: (1.10, "refers many skin problems; share of the commissioner's gainshare and GP time saved"),
             B: (0.60, "refers few skin problems to hospital"),
             C: (0.90, "average referral rate"),
             D: (1.20, "high referral rate, long hospital waits"),
             E: (0.70, "a partner already handles most skin problems in house")}),
        ChangeSpec(
            "document_hub", "Shared document hub",
            "Trained staff in one hub read, code and action the hospital letters of every practice, "
            "so GPs only see the ones that need a doctor.",
            110_000, 15_000,
            "four document-workflow coordinators, a GP oversight session and software",
            {A: (3.60, "heavy letter volume, GPs still read every letter"),
             B: (3.30, "GPs read most letters"),
             C: (2.40, "already trained its own staff in document workflow"),
             D: (3.80, "heavy letter volume, GPs still read every letter"),
             E: (3.50, "GPs read most letters")}),
        ChangeSpec(
            "prescribing_hub", "Shared prescribing hub",
            "Pharmacy technicians in one hub handle repeat prescription requests and medicine "
            "queries for all the practices.",
            85_000, 20_000,
            "two pharmacy technicians, pharmacist sessions and an administrator",
            {A: (3.10, "GPs sign most repeat requests"),
             B: (2.90, "GPs sign most repeat requests"),
             C: (3.30, "many patients on long-term medicines"),
             D: (3.00, "GPs sign most repeat requests"),
             E: (1.50, "already employs its own pharmacist for repeats")}),
        ChangeSpec(
            "extended_access", "Evening and weekend appointments",
            "The group runs evening and Saturday appointments from one site for the patients of every "
            "practice, instead of each practice opening late on its own.",
            286_000, 30_000,
            "about 60 minutes of appointments per 1,000 patients a week (the Enhanced Access "
            "requirement) at an illustrative GBP 150 per staffed hour; a network-scale service",
            {A: access_central(1.00, 0.90, "average need and use"),
             B: access_central(1.05, 1.20, "older list, patients use the extra sessions a lot"),
             C: access_central(0.98, 0.50, "average need, patients rarely use the hub site"),
             D: access_central(0.90, 0.10, "young, healthy list whose patients hardly use the sessions"),
             E: access_central(1.02, 1.00, "average need and use")}),
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
         D: (0.95, "largest practice with a cheap, long-standing accountancy deal")})]


# ---------------------------------------------------------------- assemble and check

def draw_savings(rng: np.random.Generator, scenario: str, changes: list[ChangeSpec]) -> list[list[str]]:
    rows = []
    for change in sorted(changes, key=lambda c: c.key):
        for practice in sorted(change.central):
            central, why = change.central[practice]
            factor = float(np.clip(rng.normal(1.0, NOISE_SD), 1 - NOISE_CAP, 1 + NOISE_CAP))
            rows.append([scenario, change.key, practice, f"{round(central * factor, 2):.2f}",
                         f"{ILLUSTRATIVE}: drawn around GBP {central:.2f} per patient per year "
                         f"(normal noise, sd {NOISE_SD:.0%}, capped at {NOISE_CAP:.0%}); {why}"])
    return rows


def change_rows(scenario: str, changes: list[ChangeSpec]) -> list[list[str]]:
    return [[scenario, c.key, c.label, c.description, f"{c.annual_cost:.2f}", str(c.min_population),
             f"Change: {ESSAY}. Annual cost and minimum population {ILLUSTRATIVE}: {c.cost_basis}."]
            for c in sorted(changes, key=lambda c: c.key)]


SCENARIOS = [
    ["single_accountant", "One accountant, four typical practices",
     "Four practices whose list sizes are the 25th, 50th, 75th and 90th percentile of every practice "
     "in England consider a single change: handing their accounts to one firm. The group as a whole "
     "saves money, but the biggest practice already pays its own accountant less per patient than its "
     "share of the new fee, so splitting the bill by list size leaves it worse off.",
     f"List sizes: {PUBLICATION} (national percentiles). Change: {ESSAY}. "
     f"Costs and savings: {ILLUSTRATIVE}."],
    ["winsford_five", "Five practices in Winsford",
     "Five neighbouring practices with the real list sizes of the five practices in the Winsford "
     "(CW7) postcode district in January 2021, about 37,000 patients together. They weigh six shared "
     "changes, from one accountant to evening and weekend appointments. Most changes pay off for the "
     "group, some only at network scale, but each one leaves at least one practice paying more than "
     "it gains if costs are split by list size. The costs and savings are invented for teaching; "
     "they are not the practices' own figures.",
     f"List sizes: {PUBLICATION}, the five practices with a CW7 postcode. Changes: {ESSAY}. "
     f"Costs and savings: {ILLUSTRATIVE}."],
]

PLAUSIBLE = {  # GBP per patient per year a saving may fall in, so a careless edit fails loudly
    "single_accountant": (0.9, 2.6),  # brief: roughly GBP 1-2.5 a patient a year on accountancy
    "extended_access": (5.0, 11.0),   # anchored on GBP 7.674 per adjusted patient
}


def check_properties(practices: list[list[str]], changes: list[list[str]], savings: list[list[str]]) -> None:
    """Assert the teaching properties the chapter relies on (see datasets/README.md)."""
    lists = {(r[0], r[1]): int(r[2]) for r in practices}
    for scenario in sorted({r[0] for r in practices}):
        population = sum(n for (s, _), n in lists.items() if s == scenario)
        surplus = {}
        for _, key, _, _, cost, min_pop, _ in (r for r in changes if r[0] == scenario):
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
    scenarios = {"single_accountant": percentile_practices(nhs), "winsford_five": winsford_practices(nhs)}
    specs = {"single_accountant": single_accountant_changes(),
             "winsford_five": winsford_changes({p: n for p, n, _ in scenarios["winsford_five"]})}
    practices, changes, savings = [], [], []
    for scenario in sorted(scenarios):
        practices += [[scenario, name, str(size), source] for name, size, source in scenarios[scenario]]
        changes += change_rows(scenario, specs[scenario])
        savings += draw_savings(rng, scenario, specs[scenario])
    check_properties(practices, changes, savings)
    return {
        "autonomy_scenarios.csv": (["scenario", "label", "description", "source"], sorted(SCENARIOS)),
        "autonomy_practices.csv": (["scenario", "practice", "list_size", "list_size_source"], sorted(practices)),
        "autonomy_changes.csv": (["scenario", "change", "label", "description", "annual_cost_gbp",
                                  "min_population", "source"], sorted(changes)),
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
