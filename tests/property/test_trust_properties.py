"""Properties of the trust model: bounds, determinism, bookkeeping of tournaments and evolution."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pcn_workbook.models import trust as tr
from strategies import EXPENSIVE, PROPERTY

KEYS = list(tr.STRATEGIES)
DETERMINISTIC = [k for k, s in tr.STRATEGIES.items() if not s.uses_chance]

keys = st.sampled_from(KEYS)
deterministic_keys = st.sampled_from(DETERMINISTIC)
rounds = st.integers(1, 40)
# whole percentages are what the app's sliders give (and the engine keeps their draws); any
# other chance takes the engine's other path
noises = st.one_of(st.just(0.0), st.integers(0, 50).map(lambda k: k / 100), st.floats(0.0, 0.5, allow_nan=False))
seeds = st.integers(0, 2**32 - 1)
payoff_values = st.one_of(st.integers(-5, 5).map(float), st.floats(-10, 10, allow_nan=False, allow_subnormal=False))
payoffs = st.builds(tr.Payoffs, payoff_values, payoff_values, payoff_values, payoff_values)


@st.composite
def mixes(draw, min_players=2, max_players=12):
    """A mix of 2-12 players over a random subset of strategies (zero counts allowed)."""
    chosen = draw(st.lists(keys, min_size=1, max_size=5, unique=True))
    counts = {k: draw(st.integers(0, max_players)) for k in chosen}
    total = sum(counts.values())
    if total < min_players:
        counts[chosen[0]] += min_players - total
    while sum(counts.values()) > max_players:
        k = max(counts, key=counts.get)
        counts[k] -= 1
    return counts


# --- matches -------------------------------------------------------------------------------------

@PROPERTY
@given(keys, keys, rounds, noises, seeds, payoffs)
def test_each_total_lies_within_rounds_times_the_payoff_bounds(a, b, n, noise, seed, p):
    m = tr.match(a, b, rounds=n, noise=noise, seed=seed, payoffs=p)
    lo, hi = p.bound()
    for total in m.totals:
        assert n * lo - 1e-9 * (1 + abs(n * lo)) <= total <= n * hi + 1e-9 * (1 + abs(n * hi))
    assert len(m.actions) == len(m.intended) == len(m.scores) == n
    assert 0 <= m.cooperation <= 1 and 0 <= m.mistakes <= 2 * n


@PROPERTY
@given(deterministic_keys, deterministic_keys, rounds, seeds, seeds)
def test_without_mistakes_or_chance_the_seed_does_not_matter(a, b, n, s1, s2):
    assert tr.match(a, b, rounds=n, seed=s1).actions == tr.match(a, b, rounds=n, seed=s2).actions


@PROPERTY
@given(keys, keys, rounds, seeds)
def test_no_mistakes_at_zero_noise(a, b, n, seed):
    m = tr.match(a, b, rounds=n, noise=0.0, seed=seed)
    assert m.mistakes == 0 and m.intended == m.actions


@PROPERTY
@given(keys, keys, rounds, noises, seeds)
def test_mistakes_count_the_differences_and_a_match_repeats_exactly(a, b, n, noise, seed):
    m = tr.match(a, b, rounds=n, noise=noise, seed=seed)
    assert m.mistakes == sum((w[0] != x[0]) + (w[1] != x[1]) for w, x in zip(m.intended, m.actions))
    assert m == tr.match(a, b, rounds=n, noise=noise, seed=seed)


@PROPERTY
@given(keys, keys, rounds, noises, seeds)
def test_swapping_players_mirrors_a_match_without_chance(a, b, n, noise, seed):
    if tr.STRATEGIES[a].uses_chance or tr.STRATEGIES[b].uses_chance or noise:
        return  # the draw order (A before B) differs once swapped, so only chance-free matches mirror
    ab, ba = tr.match(a, b, rounds=n, seed=seed), tr.match(b, a, rounds=n, seed=seed)
    assert ab.actions == tuple((y, x) for x, y in ba.actions)
    assert ab.totals == ba.totals[::-1]


# --- the numpy engine against the rules ----------------------------------------------------------

class Fixed:
    """An ``rng`` for a rule whose ``random()`` is the value given (a Random player's draw)."""

    def __init__(self, u):
        self.u = u

    def random(self):
        return self.u


def by_the_rules(a: str, b: str, draws: list[tuple[bool, bool, bool, bool]]):
    """One match played with the pure-Python rules (``Strategy.decide``), round by round, given each
    round's (A's mistake, B's mistake, A's chance choice is hoard, B's is hoard)."""
    flip = {tr.SHARE: tr.HOARD, tr.HOARD: tr.SHARE}
    ha, hb, intended = [], [], []
    for fa, fb, ca, cb in draws:
        wa = tr.STRATEGIES[a].decide(ha, hb, Fixed(0.75 if ca else 0.25))
        wb = tr.STRATEGIES[b].decide(hb, ha, Fixed(0.75 if cb else 0.25))
        ha.append(flip[wa] if fa else wa)
        hb.append(flip[wb] if fb else wb)
        intended.append((wa, wb))
    return intended, list(zip(ha, hb))


def by_the_engine(pairs, draws):
    """The same matches, all at once in the numpy engine, decoded back to moves."""
    import numpy as np

    ca = np.array([tr._CODE[a] for a, _ in pairs])
    cb = np.array([tr._CODE[b] for _, b in pairs])
    rounds = len(draws[0])
    codes = None
    if any(any(d) for match in draws for d in match):
        codes = np.array([[fa << 3 | fb << 2 | xa << 1 | xb for fa, fb, xa, xb in (match[r] for match in draws)]
                          for r in range(rounds)], dtype=np.uint8)
    seen = tr._moves(ca, cb, codes, rounds)
    move = {0: tr.SHARE, 1: tr.HOARD}
    return [([(move[int(x) >> 3 & 1], move[int(x) >> 2 & 1]) for x in seen[:, m]],
             [(move[int(x) >> 1 & 1], move[int(x) & 1]) for x in seen[:, m]]) for m in range(len(pairs))]


@st.composite
def batches(draw):
    """1-6 matches of the same length between any strategies, each round's draws chosen freely
    (sometimes none at all), mistakes more or less often."""
    n = draw(st.integers(1, 40))
    rate = draw(st.sampled_from([0.0, 0.1, 0.5]))
    bit = st.booleans() if rate == 0.5 else st.integers(0, 9).map(lambda x: rate > 0 and x == 0)
    pairs = draw(st.lists(st.tuples(keys, keys), min_size=1, max_size=6))
    draws = [[(draw(bit), draw(bit), draw(st.booleans()), draw(st.booleans())) for _ in range(n)] for _ in pairs]
    return pairs, draws


@PROPERTY
@given(batches())
def test_the_numpy_engine_plays_the_rules_move_for_move(batch):
    pairs, draws = batch
    for (a, b), mine, theirs in zip(pairs, draws, by_the_engine(pairs, draws)):
        assert theirs == by_the_rules(a, b, mine), (a, b)


@PROPERTY
@given(batches())
def test_the_engine_counts_two_rounds_at_a_time_what_the_rules_play(batch):
    """``_tally`` (two rounds a numpy step, 8-bit counts) counts the outcomes of the rules' moves."""
    import numpy as np

    pairs, draws = batch
    ca = np.array([tr._CODE[a] for a, _ in pairs])
    cb = np.array([tr._CODE[b] for _, b in pairs])
    rounds = len(draws[0])
    codes = np.array([[fa << 3 | fb << 2 | xa << 1 | xb for fa, fb, xa, xb in (match[r] for match in draws)]
                      for r in range(rounds)], dtype=np.uint8)
    counts = tr._tally(ca, cb, codes, rounds)
    outcomes = [(tr.SHARE, tr.SHARE), (tr.SHARE, tr.HOARD), (tr.HOARD, tr.SHARE), (tr.HOARD, tr.HOARD)]
    for m, ((a, b), mine) in enumerate(zip(pairs, draws)):
        actions = by_the_rules(a, b, mine)[1]
        assert counts[m].tolist() == [actions.count(o) for o in outcomes], (a, b)


@PROPERTY
@given(st.integers(0, 2**32 - 1), noises)
def test_a_kept_draw_as_a_whole_percentage_is_a_mistake_exactly_when_the_draw_is(h, noise):
    """The kept form of a draw h, floor(100 h / 2^32), decides a mistake at k% as h itself does."""
    k = tr._percent(noise)
    if k is not None:
        assert (h < tr._threshold(noise)) == ((100 * h) >> 32 < k)
    assert all(tr._percent(j / 100) == j for j in range(51))


@PROPERTY
@given(mixes(max_players=8), st.integers(1, 12), st.integers(0, 50), seeds)
def test_a_tournament_plays_the_same_with_its_draws_kept_or_new(mix, n, percent, seed):
    tr._KEPT.clear()
    fresh = tr.tournament(mix, rounds=n, noise=percent / 100, seed=seed)
    tr.tournament(mix, rounds=n, noise=(percent + 7) % 51 / 100, seed=seed)  # the same draws, another chance
    assert tr.tournament(mix, rounds=n, noise=percent / 100, seed=seed) == fresh


@PROPERTY
@given(keys, keys, rounds, noises, seeds)
def test_the_engines_draws_are_the_ones_match_uses(a, b, n, noise, seed):
    import numpy as np

    ca, cb = np.array([tr._CODE[a]]), np.array([tr._CODE[b]])
    seen = tr._moves(ca, cb, tr._codes(ca, cb, tr._keys_np([seed]), n, np.uint32(tr._threshold(noise))), n)
    move = {0: tr.SHARE, 1: tr.HOARD}
    m = tr.match(a, b, rounds=n, noise=noise, seed=seed)
    assert tuple((move[int(x) >> 3 & 1], move[int(x) >> 2 & 1]) for x in seen[:, 0]) == m.intended
    assert tuple((move[int(x) >> 1 & 1], move[int(x) & 1]) for x in seen[:, 0]) == m.actions
    assert tr.sharing_rate(a, b, n, noise, [seed]) == m.cooperation


# --- payoffs -------------------------------------------------------------------------------------

@PROPERTY
@given(payoffs)
def test_no_warnings_exactly_when_the_payoffs_make_a_repeated_dilemma(p):
    r, s, t, q = p.both_share, p.sucker, p.temptation, p.both_hoard
    assert (p.warnings() == []) == (t > r > q > s and 2 * r > t + s)


# --- tournaments and evolution -------------------------------------------------------------------

@PROPERTY
@given(mixes(max_players=8), st.integers(1, 12), noises, seeds)
def test_tournament_scores_are_the_sums_of_its_match_totals(mix, n, noise, seed):
    t = tr.tournament(mix, rounds=n, noise=noise, seed=seed)
    per_player = [0.0] * len(t.players)
    shared = 0
    for i, j, s in tr.schedule(t.players, seed):
        m = tr.match(t.players[i], t.players[j], rounds=n, noise=noise, seed=s)
        per_player[i] += m.totals[0]
        per_player[j] += m.totals[1]
        shared += sum(x == tr.SHARE for pair in m.actions for x in pair)
    assert math.isclose(sum(t.scores), sum(per_player), rel_tol=1e-9, abs_tol=1e-9)
    assert all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) for x, y in zip(t.scores, per_player))
    pairs = len(t.players) * (len(t.players) - 1) // 2
    assert math.isclose(t.cooperation, shared / (2 * n * pairs))
    rows = t.by_strategy()
    assert sum(r["players"] for r in rows) == len(t.players)
    assert [r["mean_score"] for r in rows] == sorted((r["mean_score"] for r in rows), reverse=True)


@EXPENSIVE
@given(mixes(), st.integers(0, 8), st.integers(1, 10), noises, st.integers(0, 6), seeds)
def test_evolution_keeps_the_population_size_and_the_keys(mix, generations, n, noise, replace, seed):
    size = sum(mix.values())
    replace = min(replace, size // 2)
    r = tr.evolve(mix, generations=generations, rounds=n, noise=noise, replace=replace, seed=seed)
    assert len(r.counts) == len(r.cooperation) == generations + 1
    assert r.counts[0] == {k: mix[k] for k in tr.STRATEGIES if k in mix}
    for before, after in zip(r.counts, r.counts[1:]):
        assert sum(after.values()) == size and list(after) == list(before)
        assert all(v >= 0 for v in after.values())
        assert sum(abs(after[k] - before[k]) for k in after) <= 2 * replace  # at most `replace` move
        assert all(after[k] == 0 for k in after if before[k] == 0)  # extinct strategies stay extinct
    assert all(0 <= c <= 1 for c in r.cooperation)
    assert r == tr.evolve(mix, generations=generations, rounds=n, noise=noise, replace=replace, seed=seed)


def evolution_match_by_match(mix, generations, rounds, noise, replace, seed):
    """Assumption 5 played with ``match`` alone: each generation's tournament is its scheduled
    matches; its seed and the tie-breaks come from one seeded stream, as in ``evolve``."""
    import random

    counts = {k: mix[k] for k in tr.STRATEGIES if k in mix}
    size, rng = sum(counts.values()), random.Random(seed)
    history, cooperation = [dict(counts)], []
    for g in range(generations + 1):
        players = tr.population(counts)
        scores, shared = [0.0] * size, 0
        for i, j, s in tr.schedule(players, rng.getrandbits(32)):
            m = tr.match(players[i], players[j], rounds=rounds, noise=noise, seed=s)
            scores[i] += m.totals[0]
            scores[j] += m.totals[1]
            shared += sum(x == tr.SHARE for pair in m.actions for x in pair)
        cooperation.append(shared / (size * (size - 1) * rounds))
        if g == generations:
            break
        tie = [rng.random() for _ in range(size)]
        ranked = sorted(range(size), key=lambda i: (scores[i], tie[i]))
        for i in ranked[:replace]:
            counts[players[i]] -= 1
        for i in ranked[size - replace:]:
            counts[players[i]] += 1
        history.append(dict(counts))
    return history, cooperation


@EXPENSIVE
@given(mixes(max_players=8), st.integers(0, 4), st.integers(1, 10), noises, st.integers(0, 4), seeds)
def test_evolution_is_its_tournaments_played_match_by_match(mix, generations, n, noise, replace, seed):
    replace = min(replace, sum(mix.values()) // 2)
    r = tr.evolve(mix, generations=generations, rounds=n, noise=noise, replace=replace, seed=seed)
    history, cooperation = evolution_match_by_match(mix, generations, n, noise, replace, seed)
    assert list(r.counts) == history
    assert all(math.isclose(x, y, abs_tol=1e-12) for x, y in zip(r.cooperation, cooperation))


# --- over-communication --------------------------------------------------------------------------

@PROPERTY
@given(st.floats(0, 0.5), st.floats(0, 1), st.floats(0, 1))
def test_more_effort_never_means_more_mistakes(noise, e1, e2):
    lo, hi = sorted((e1, e2))
    assert 0 <= tr.effective_noise(noise, hi) <= tr.effective_noise(noise, lo) <= noise


# --- the golden thread ---------------------------------------------------------------------------

link_noises = st.one_of(st.just(0.0), st.floats(0.0, 0.5, allow_nan=False))
link_counts = st.integers(1, tr.MAX_LINKS)


@PROPERTY
@given(link_noises, link_counts)
def test_relay_noise_is_the_chance_of_an_odd_number_of_flips(m, k):
    """Worked out independently: sum over odd j of C(k, j) m^j (1-m)^(k-j), and (1 - (1-2m)^k) / 2."""
    odd = math.fsum(math.comb(k, j) * m ** j * (1 - m) ** (k - j) for j in range(1, k + 1, 2))
    assert math.isclose(tr.relay_noise(m, k), odd, abs_tol=1e-12)
    assert math.isclose(tr.relay_noise(m, k), (1 - (1 - 2 * m) ** k) / 2, abs_tol=1e-12)
    assert 0.0 <= tr.relay_noise(m, k) <= 0.5 + 1e-12


@PROPERTY
@given(link_noises, link_counts, link_counts)
def test_a_longer_chain_never_garbles_less(m, j, k):
    lo, hi = sorted((j, k))
    assert tr.relay_noise(m, lo) <= tr.relay_noise(m, hi) + 1e-12
    assert tr.relay_noise(m, lo) >= m - 1e-12  # m is at most one half: more links, more misreads


@PROPERTY
@given(link_noises, link_counts, st.floats(0, 1), st.floats(0, 1))
def test_effort_on_every_link_never_means_more_misreads(m, k, e1, e2):
    lo, hi = sorted((e1, e2))
    assert tr.thread_noise(m, k, hi) <= tr.thread_noise(m, k, lo) + 1e-12


@EXPENSIVE
@given(link_noises, st.integers(1, 3), st.integers(1, 12), st.lists(seeds, min_size=1, max_size=5))
def test_golden_thread_rows_are_shares_and_repeat_exactly(m, links, n, chosen):
    rows = tr.golden_thread(m, efforts=(0.0, 0.5), max_links=links, rounds=n, seeds=chosen)
    assert len(rows) == 2 * links
    assert all(0 <= r["backing"] <= 1 and 0 <= r["sharing"] <= 1 for r in rows)
    assert rows == tr.golden_thread(m, efforts=(0.0, 0.5), max_links=links, rounds=n, seeds=chosen)
    if m == 0:
        assert all(r["backing"] == 1 for r in rows)
