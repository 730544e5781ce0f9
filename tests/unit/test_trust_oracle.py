"""The trust model against an independent implementation: the Axelrod library (axelrod 4.13.1).

Axelrod runs in its own venv (``.venv-oracle``, made by ``make test`` from
``tests/oracle/requirements.txt``) so that its heavy dependencies never reach the workshop
kernels; ``tests/oracle/axelrod_matches.py`` plays the matches there and returns them as JSON.
Without mistakes every match between two deterministic strategies must agree move for move and
point for point. With mistakes the two libraries draw different random numbers, so only averages
over many matches can agree; the tolerance is stated with each check.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
from pathlib import Path

import pytest

from pcn_workbook.models import trust as tr

REPO = Path(__file__).resolve().parents[2]
ORACLE_PYTHON = Path(os.environ.get("PCN_ORACLE_PYTHON", REPO / ".venv-oracle" / "bin" / "python"))
ORACLE_SCRIPT = REPO / "tests" / "oracle" / "axelrod_matches.py"
DETERMINISTIC = [k for k, s in tr.STRATEGIES.items() if not s.uses_chance]
ROUNDS = [1, 5, 10, 50]
PAIRS = [
    ("tit_for_tat", "tit_for_tat"),
    ("tit_for_two_tats", "tit_for_two_tats"),
    ("win_stay_lose_shift", "win_stay_lose_shift"),
    ("grudger", "tit_for_tat"),
    ("detective", "tit_for_two_tats"),
]
NOISY = dict(n=600, rounds=10, noise=0.05)


def run_oracle(jobs: list[dict]) -> dict:
    if not ORACLE_PYTHON.exists():
        reason = f"the axelrod oracle venv is missing ({ORACLE_PYTHON}); `make test` creates it"
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI the oracle must run, never be skipped
        pytest.skip(reason)
    done = subprocess.run([str(ORACLE_PYTHON), str(ORACLE_SCRIPT)], input=json.dumps(jobs),
                          capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def oracle() -> dict:
    """Every match this module checks, played once by axelrod in one subprocess (which also says
    which strategies it knows), keyed by (a, b, rounds, noise, seed)."""
    jobs = [dict(a=a, b=b, rounds=r, noise=0.0, seed=None) for a in DETERMINISTIC for b in DETERMINISTIC for r in ROUNDS]
    jobs += [dict(a=a, b=b, rounds=NOISY["rounds"], noise=NOISY["noise"], seed=s) for a, b in PAIRS for s in range(NOISY["n"])]
    answer = run_oracle(jobs)
    played = {(j["a"], j["b"], j["rounds"], j["noise"], j["seed"]): r for j, r in zip(jobs, answer["matches"])}
    return {"strategies": answer["strategies"], **played}


def oracle_match(oracle, a: str, b: str, rounds: int, noise: float = 0.0, seed: int | None = None):
    found = oracle[(a, b, rounds, noise, seed)]
    assert found is not None, f"the oracle has no strategy for {a} or {b}"
    return tuple(tuple(pair) for pair in found["actions"]), [tuple(x) for x in found["scores"]]


def test_every_deterministic_strategy_has_an_oracle(oracle):
    assert oracle["strategies"] == sorted(DETERMINISTIC)


@pytest.mark.parametrize("rounds", ROUNDS)
@pytest.mark.parametrize("a", DETERMINISTIC)
def test_same_moves_and_scores_as_axelrod_without_mistakes(oracle, a, rounds):
    for b in DETERMINISTIC:
        ours = tr.match(a, b, rounds=rounds)
        actions, scores = oracle_match(oracle, a, b, rounds)
        assert ours.actions == actions, (a, b)
        assert list(ours.scores) == scores, (a, b)
        assert ours.totals == tuple(map(math.fsum, zip(*scores)))


@pytest.mark.parametrize("a,b", PAIRS)
def test_same_average_cooperation_and_score_as_axelrod_with_five_percent_mistakes(oracle, a, b):
    n, rounds, noise = NOISY["n"], NOISY["rounds"], NOISY["noise"]
    ours = [tr.match(a, b, rounds=rounds, noise=noise, seed=s) for s in range(n)]
    theirs = [oracle_match(oracle, a, b, rounds, noise=noise, seed=s) for s in range(n)]
    ours_coop = [m.cooperation for m in ours]
    theirs_coop = [sum(x == tr.SHARE for pair in acts for x in pair) / (2 * rounds) for acts, _ in theirs]
    ours_score = [m.totals[0] / rounds for m in ours]
    theirs_score = [sum(s[0] for s in scores) / rounds for _, scores in theirs]
    for mine, other, what in ((ours_coop, theirs_coop, "cooperation"), (ours_score, theirs_score, "score")):
        # Two independent sample means: allow 4 standard errors of their difference (a false alarm
        # about 1 time in 16,000), plus a floor for pairs whose outcomes barely vary.
        se = math.sqrt(statistics.variance(mine) / n + statistics.variance(other) / n)
        assert abs(statistics.mean(mine) - statistics.mean(other)) <= 4 * se + 1e-9, (a, b, what)


def test_mistake_rate_matches_the_noise():
    # Axelrod flips each action with probability noise; so do we: 2 x 10 x 600 actions at 5%.
    flips = sum(tr.match("tit_for_tat", "grudger", rounds=10, noise=0.05, seed=s).mistakes for s in range(600))
    expected, sd = 12_000 * 0.05, math.sqrt(12_000 * 0.05 * 0.95)
    assert abs(flips - expected) <= 4 * sd  # 600 +- 95
