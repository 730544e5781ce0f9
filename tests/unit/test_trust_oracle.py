"""The trust model against an independent implementation: the Axelrod library (axelrod 4.13.1).

Without mistakes every match between two deterministic strategies must agree move for move and
point for point. With mistakes the two libraries draw different random numbers, so only averages
over many matches can agree; the tolerance is stated with each check.
"""

from __future__ import annotations

import math
import statistics

import pytest

from pcn_workbook.models import trust as tr

axl = pytest.importorskip("axelrod")

ORACLE = {
    "always_share": axl.Cooperator,
    "always_hoard": axl.Defector,
    "tit_for_tat": axl.TitForTat,
    "tit_for_two_tats": axl.TitFor2Tats,
    "grudger": axl.Grudger,
    "detective": axl.Detective,
    "win_stay_lose_shift": axl.WinStayLoseShift,
}
GAME = axl.Game(r=2, s=-1, t=3, p=0)  # Case's payoffs in Axelrod's (R, S, T, P) terms
ACTION = {axl.Action.C: tr.SHARE, axl.Action.D: tr.HOARD}


def oracle_match(a: str, b: str, rounds: int, noise: float = 0.0, seed: int | None = None):
    m = axl.Match((ORACLE[a](), ORACLE[b]()), turns=rounds, game=GAME, noise=noise, seed=seed)
    actions = tuple((ACTION[x], ACTION[y]) for x, y in m.play())
    return actions, [(float(x), float(y)) for x, y in m.scores()]


def test_every_deterministic_strategy_has_an_oracle():
    assert set(ORACLE) == {k for k, s in tr.STRATEGIES.items() if not s.uses_chance}


@pytest.mark.parametrize("rounds", [1, 5, 10, 50])
@pytest.mark.parametrize("a", list(ORACLE))
def test_same_moves_and_scores_as_axelrod_without_mistakes(a, rounds):
    for b in ORACLE:
        ours = tr.match(a, b, rounds=rounds)
        actions, scores = oracle_match(a, b, rounds)
        assert ours.actions == actions, (a, b)
        assert list(ours.scores) == scores, (a, b)
        assert ours.totals == tuple(map(math.fsum, zip(*scores)))


PAIRS = [
    ("tit_for_tat", "tit_for_tat"),
    ("tit_for_two_tats", "tit_for_two_tats"),
    ("win_stay_lose_shift", "win_stay_lose_shift"),
    ("grudger", "tit_for_tat"),
    ("detective", "tit_for_two_tats"),
]


@pytest.mark.parametrize("a,b", PAIRS)
def test_same_average_cooperation_and_score_as_axelrod_with_five_percent_mistakes(a, b):
    n, rounds, noise = 600, 10, 0.05
    ours = [tr.match(a, b, rounds=rounds, noise=noise, seed=s) for s in range(n)]
    theirs = [oracle_match(a, b, rounds, noise=noise, seed=s) for s in range(n)]
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
