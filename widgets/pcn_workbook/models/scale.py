"""Scale choices: how many relationships a hospital faces, and how practices might group into networks.

Sources:

* Ben Gowland, "Making general practice easy to do business with", The General Practice Blog
  (Ockham Healthcare): the numbers game. An average hospital serves about 300,000 people and an
  average practice about 8,000, so a hospital deals with about 37.5 practices; units of
  30,000-50,000 cut that to 6-10 relationships, federations of 200,000-300,000 to 1-2 (community
  trusts, serving over a million, have it worse). The same essay warns that an at-scale body far
  from its practices can neither represent them nor change how they work.
* Ben Gowland, "What is a Primary Care Network for?": the PCN band, populations of 30,000-50,000
  (``PCN_BAND``), and nothing else here.
* Becky Malby, "Primary Care & Scale. Who should we be collaborating with?" (2018): scales built
  from relationships and need (community up to ~14,000; locality 30,000-100,000; borough
  150,000-350,000).
* NHS Digital, "Patients Registered at a GP Practice", January 2021: 6,658 practices and
  60,606,345 patients in England, a mean list of 9,103.

Three pieces, with their assumptions:

1. Relationships. A hospital serving H people that deals with general practice through units of
   U people each has R = H / U relationships to keep up. This is Gowland's arithmetic, no more:
   it assumes every unit is the same size and the hospital's catchment is covered exactly.
2. Grouping. Practices in one area are put in postcode order (a natural sort: postcode area
   letters, then district number, then district letter, then the inward code), taken as a rough
   stand-in for geography, and the ordered list is cut into contiguous networks by dynamic
   programming. Contiguity in postcode order is our simplification: real networks form around
   relationships, travel and history, not postcode order. The cut maximises the number of
   practices in networks whose population lies in the target band, then minimises the total
   squared distance of network populations from the band's midpoint. A practice is never split,
   and no network exceeds the band's top unless it is one practice that is already larger.
3. Distance against voice (ILLUSTRATIVE ONLY, a thinking aid and not evidence). A network's voice
   at the integrated-care table rises with the population it covers and saturates:
   voice = P / (P + 50,000), so half voice at 50,000 people (the 50,000 is our assumption, chosen
   because it is the top of the PCN band). Its closeness to each member practice falls with the
   number of practices: closeness = 1 / sqrt(n). The learner weighs the two (weights 0 to 1) and
   the score is the weighted mean. Both curves are ours; no source measures either. The trade-off
   itself is sourced: Gowland ("What does the cut in CCG running costs mean for general
   practice?") recalls the old argument over CCG size, small for closeness to practices and
   clinically led change, large for voice and economies of scale at the price of distance.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..lazy import lazy_module

pd = lazy_module("pandas", globals(), "pd")  # for the examples; rows of plain dicts need no pandas

# Gowland's round numbers ("Making general practice easy to do business with").
HOSPITAL_POPULATION = 300_000  # people served by an average hospital
PRACTICE_POPULATION = 8_000  # people registered with an average practice
COMMUNITY_TRUST_POPULATION = 1_000_000  # community trusts serve "over a million" (same essay): a floor
PCN_BAND = (30_000, 50_000)  # the PCN population band (Gowland, "What is a Primary Care Network for?")

# NHS Digital, Patients Registered at a GP Practice, January 2021: 60,606,345 / 6,658 = 9,103.
NATIONAL_MEAN_LIST = 9_103
PRACTICES_PER_10K = 10_000 / NATIONAL_MEAN_LIST  # about 1.1 practices per 10,000 people

# Our assumption, not a source's: the population at which a network has half its possible voice.
VOICE_HALF_POPULATION = 50_000

CAVEAT = (
    "Illustrative only: a thinking aid, not evidence. The voice and closeness curves are the "
    "workbook's own assumptions (half voice at 50,000 people; closeness 1/sqrt(practices)); "
    "no study measures either."
)

COLUMNS = ("code", "postcode", "list_size")
CURVE_SIZES = tuple(range(5_000, 400_001, 5_000))  # default populations for voice_closeness_curve


class ScaleError(ValueError):
    """A scale question the model cannot answer, with a message a facilitator can act on."""


# --- relationships -------------------------------------------------------------------------------

def relationships(hospital_population: int, unit_population: int) -> float:
    """Number of general-practice units a hospital must deal with: R = H / U.

    H is the hospital's population, U the population of each unit it deals with (a practice,
    a network, a federation). Gowland's numbers game, from "Making general practice easy to do
    business with" (The General Practice Blog):

    >>> relationships(300_000, 8_000)          # one relationship per practice
    37.5
    >>> relationships(300_000, 30_000), relationships(300_000, 50_000)   # networks of 30-50k
    (10.0, 6.0)
    >>> relationships(300_000, 200_000), relationships(300_000, 300_000)  # federations
    (1.5, 1.0)
    """
    _require_positive(hospital_population, "the hospital's population")
    _require_positive(unit_population, "the population of each unit")
    return float(hospital_population) / float(unit_population)


# --- postcode order ------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2})(\d{1,2})([A-Z]?) ?(\d)([A-Z]{2})$")


def _normalise(postcode: str) -> str:
    return " ".join(str(postcode).upper().split())


def postcode_key(postcode: str) -> tuple:
    """Natural sort key for a UK postcode: area letters, district number, district letter, inward.

    Numbers compare as numbers, so CW7 comes before CW10, and EC1 before EC1A before EC2.
    A string that is not a postcode sorts after every postcode, by its text.

    >>> sorted(["CW10 1AA", "CW7 2BB", "CW7 1ZZ", "CW1 9AA"], key=postcode_key)
    ['CW1 9AA', 'CW7 1ZZ', 'CW7 2BB', 'CW10 1AA']
    >>> sorted(["EC2A 1AA", "EC1A 1BB", "EC1 1AA", "E1 6AN"], key=postcode_key)
    ['E1 6AN', 'EC1 1AA', 'EC1A 1BB', 'EC2A 1AA']
    """
    text = _normalise(postcode)
    m = _POSTCODE.match(text)
    if m is None:
        return (1, text, 0, "", 0, "")
    area, district, letter, sector, unit = m.groups()
    return (0, area, int(district), letter, int(sector), unit)


def outward_code(postcode: str) -> str:
    """The outward code (postcode district) of a postcode.

    >>> outward_code("cw7  1ab"), outward_code("EC1A1BB")
    ('CW7', 'EC1A')
    """
    text = _normalise(postcode)
    m = _POSTCODE.match(text)
    if m is None:
        return text.split(" ")[0]
    return "".join(m.groups()[:3])


# --- grouping ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Network:
    name: str  # "Network 1", "Network 2", ... in postcode order
    practices: tuple[str, ...]  # practice codes, in postcode order
    population: int  # registered patients
    districts: tuple[str, ...]  # outward codes covered, in postcode order


@dataclass(frozen=True)
class Grouping:
    """Practices of one area cut into contiguous networks (see group_practices).

    ``left_over`` lists the practices in networks below the band's bottom, in postcode order;
    ``target_min`` and ``target_max`` record the band the grouping was built for.
    """

    networks: tuple[Network, ...]
    left_over: tuple[str, ...]
    left_over_population: int
    target_min: float | None = None
    target_max: float | None = None

    @property
    def count(self) -> int:
        """Number of networks (under-size and over-size ones included)."""
        return len(self.networks)

    @property
    def population(self) -> int:
        """Registered patients across all networks (the area's total)."""
        return sum(n.population for n in self.networks)

    @property
    def in_band(self) -> tuple[Network, ...]:
        """Networks whose population lies in [target_min, target_max]."""
        if self.target_min is None or self.target_max is None:
            return ()
        return tuple(n for n in self.networks if self.target_min <= n.population <= self.target_max)

    @property
    def oversized(self) -> tuple[Network, ...]:
        """Networks above target_max: always a single practice that alone exceeds the band."""
        if self.target_max is None:
            return ()
        return tuple(n for n in self.networks if n.population > self.target_max)

    def relationships(self, hospital_population) -> float:
        """Relationships a hospital of this population faces if it deals with networks like these.

        Reading: the hospital's catchment is tiled by networks of this area's MEAN size, so
        R = H / (total population / number of networks) = H * count / population. This is
        Gowland's arithmetic applied to the grouping, not a count of the networks in the area.
        """
        return relationships(hospital_population, self.population / self.count)


def group_practices(practices, target_min: int, target_max: int) -> Grouping:
    """Cut one area's practices, in postcode order, into contiguous networks by dynamic programming.

    ``practices`` is a table with columns code, postcode, list_size (other columns are ignored):
    a pandas DataFrame, or rows (a list or tuple of mappings, such as ``data.nhs_practice_rows``
    gives), with the same result and the same errors. The practices
    are sorted by ``postcode_key`` (then by code, so the order does not depend on the rows' order).
    With x_1..x_n the list sizes in that order and a network the run x_{j+1}..x_i of population
    P(j, i), the best cut of the first i practices is

        best(0) = (0, 0)
        best(i) = max over allowed j < i of  best(j) + (covered(j, i), -(2 P(j, i) - lo - hi)^2)

    compared lexicographically, where covered(j, i) = i - j if lo <= P(j, i) <= hi and 0 otherwise,
    and a run is allowed if P(j, i) <= hi or it is a single practice. So: the most practices in
    networks inside the band [lo, hi]; among those, the smallest total squared distance of network
    populations from the midpoint (lo + hi) / 2 (taken in whole numbers, times four, so it is exact).
    O(n^2) time. Networks below lo arise only when no cut puts those practices in the band; their
    practices are reported in ``left_over``. Exact ties between cuts are settled by a fixed search
    order, so the same practices always give the same networks, whatever the rows' order.

    >>> area = pd.DataFrame({"code": list("ABCDEF"),
    ...                      "postcode": ["CW1 1AA", "CW2 1AA", "CW3 1AA", "CW7 1AA", "CW10 1AA", "CW11 1AA"],
    ...                      "list_size": [15_000, 15_000, 15_000, 15_000, 10_000, 20_000]})
    >>> g = group_practices(area, 30_000, 50_000)
    >>> [(n.name, n.practices, n.population) for n in g.networks]
    [('Network 1', ('A', 'B', 'C'), 45000), ('Network 2', ('D', 'E', 'F'), 45000)]
    >>> g.count, g.left_over, g.relationships(300_000)
    (2, (), 6.666666666666667)
    """
    lo, hi = _band(target_min, target_max)
    codes, postcodes, sizes = _practice_table(practices)

    order = sorted(range(len(codes)), key=lambda k: (postcode_key(postcodes[k]), codes[k]))
    codes = [codes[k] for k in order]
    postcodes = [postcodes[k] for k in order]
    sizes = [sizes[k] for k in order]

    cuts = _best_cuts(sizes, lo, hi)

    networks, left_over = [], []
    for number, (j, i) in enumerate(cuts, start=1):
        members = tuple(codes[j:i])
        population = sum(sizes[j:i])
        districts = tuple(dict.fromkeys(outward_code(p) for p in postcodes[j:i]))
        networks.append(Network(f"Network {number}", members, population, districts))
        if population < lo:
            left_over.extend(members)
    left_over_population = sum(n.population for n in networks if n.population < lo)
    return Grouping(tuple(networks), tuple(left_over), left_over_population, lo, hi)


def _best_cuts(sizes: list[int], lo, hi) -> list[tuple[int, int]]:
    """The optimal contiguous cut of ``sizes`` as (start, stop) pairs (see group_practices)."""
    n = len(sizes)
    prefix = [0]
    for s in sizes:
        prefix.append(prefix[-1] + s)
    twice_mid = lo + hi
    best: list[tuple] = [(0, 0)] + [None] * n  # (practices covered, minus 4 x squared distance)
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            population = prefix[i] - prefix[j]
            if population > hi and i - j > 1:
                break  # list sizes are positive: longer runs ending at i are larger still
            covered = i - j if lo <= population <= hi else 0
            score = (best[j][0] + covered, best[j][1] - (2 * population - twice_mid) ** 2)
            if best[i] is None or score > best[i]:
                best[i], back[i] = score, j
    cuts, i = [], n
    while i > 0:
        cuts.append((back[i], i))
        i = back[i]
    return cuts[::-1]


def _band(target_min, target_max) -> tuple:
    for value, name in ((target_min, "the smallest network size"), (target_max, "the largest network size")):
        if not _finite(value):
            raise ScaleError(f"{name} must be a number of patients, not {value!r}")
    if target_min <= 0:
        raise ScaleError(f"the smallest network size must be above zero patients, not {target_min:,}")
    if target_min > target_max:
        raise ScaleError(
            f"the smallest network size ({target_min:,}) is larger than the largest ({target_max:,}): "
            "swap them or widen the band"
        )
    return _whole_if_integral(target_min), _whole_if_integral(target_max)


def _is_frame(practices) -> bool:
    pandas = sys.modules.get("pandas")  # a DataFrame exists only once pandas is imported
    return pandas is not None and isinstance(practices, pandas.DataFrame)


def _is_rows(practices) -> bool:
    return isinstance(practices, (list, tuple)) and all(isinstance(row, Mapping) for row in practices)


def _practice_table(practices) -> tuple[list[str], list[str], list[int]]:
    if _is_frame(practices):
        columns = set(practices.columns)
    elif _is_rows(practices):
        columns = {c for c in COLUMNS if all(c in row for row in practices)}
    else:
        raise ScaleError("the practices must be a table with columns code, postcode and list_size")
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ScaleError(f"the practice table needs columns code, postcode and list_size; missing: {', '.join(missing)}")
    if len(practices) == 0:
        raise ScaleError("the area has no practices: choose an area with at least one practice")
    if _is_frame(practices):
        cells = zip(practices["code"], practices["postcode"], practices["list_size"])
    else:
        cells = ((row["code"], row["postcode"], row["list_size"]) for row in practices)
    codes, postcodes, sizes = [], [], []
    for code, postcode, size in cells:
        if _blank(code):
            raise ScaleError("a practice has no code: give every practice its code")
        code = str(code).strip()
        if _blank(postcode):
            raise ScaleError(f"practice {code} has no postcode: networks are formed in postcode order")
        if not (_finite(size) and float(size).is_integer() and size > 0):
            raise ScaleError(f"practice {code}'s list size must be a whole number of patients above zero, not {size!r}")
        codes.append(code)
        postcodes.append(_normalise(postcode))
        sizes.append(int(size))
    seen = set()
    for code in codes:
        if code in seen:
            raise ScaleError(f"practice code {code} appears more than once: each practice must be listed once")
        seen.add(code)
    return codes, postcodes, sizes


# --- distance against voice (illustrative) -------------------------------------------------------

@dataclass(frozen=True)
class VoiceCloseness:
    """One network size scored on voice and closeness. ILLUSTRATIVE: read ``caveat``."""

    population: float  # people covered
    n_practices: float  # member practices (may be an average, so not always whole)
    voice: float  # 0-1, P / (P + 50,000)
    closeness: float  # 0-1, 1 / sqrt(n)
    score: float  # 0-1, weighted mean of voice and closeness
    voice_weight: float
    closeness_weight: float
    caveat: str = CAVEAT


def distance_vs_voice(population, n_practices, voice_weight, closeness_weight) -> VoiceCloseness:
    """Score a network size on voice against closeness (ILLUSTRATIVE: a thinking aid, not evidence).

        voice     = P / (P + 50,000)       rises with the population P covered; half at 50,000
        closeness = 1 / sqrt(n)            falls as the number n of member practices grows
        score     = (w_v voice + w_c closeness) / (w_v + w_c),  weights w in [0, 1], not both 0

    The 50,000 and the square root are the workbook's own assumptions, put in to make Gowland's
    warning concrete (a body far from its practices can neither represent them nor change how
    they work); neither curve is measured anywhere. ``n`` may be fractional (an average number
    of practices) but must be at least 1.

    >>> v = distance_vs_voice(50_000, 4, 0.5, 0.5)
    >>> v.voice, v.closeness, v.score
    (0.5, 0.5, 0.5)
    >>> distance_vs_voice(300_000, 33, 1, 0).score > distance_vs_voice(30_000, 3, 1, 0).score
    True
    >>> v.caveat.startswith("Illustrative only")
    True
    """
    _require_positive(population, "the population covered")
    if not (_finite(n_practices) and n_practices >= 1):
        raise ScaleError(f"a network needs at least one practice, not {n_practices!r}")
    for w, name in ((voice_weight, "the weight on voice"), (closeness_weight, "the weight on closeness")):
        if not (_finite(w) and 0 <= w <= 1):
            raise ScaleError(f"{name} must be between 0 and 1, not {w!r}")
    if voice_weight == 0 and closeness_weight == 0:
        raise ScaleError("both weights are zero: put some weight on voice or on closeness")
    voice = population / (population + VOICE_HALF_POPULATION)
    closeness = 1 / math.sqrt(n_practices)
    share = voice_weight / (voice_weight + closeness_weight)  # normalise first: tiny weights stay exact
    score = share * voice + (1 - share) * closeness
    return VoiceCloseness(float(population), float(n_practices), float(voice), float(closeness), float(score),
                          float(voice_weight), float(closeness_weight))


def voice_closeness_curve(
    sizes: Iterable[float] = CURVE_SIZES,
    practices_per_10k: float = PRACTICES_PER_10K,
    weights: tuple[float, float] = (0.5, 0.5),
) -> list[dict]:
    """Rows for a chart of voice, closeness and score against network population (ILLUSTRATIVE).

    Each population P becomes n = max(1, P * practices_per_10k / 10,000) practices; the default
    rate is the national average list of 9,103 (NHS Digital, January 2021), about 1.1 practices
    per 10,000 people. ``sizes`` defaults to 5,000 to 400,000 in steps of 5,000 (a practice up to
    a large federation). ``weights`` is (voice weight, closeness weight). Rows: population,
    practices, voice, closeness, score, in the order of ``sizes``.

    >>> [round(r["practices"], 2) for r in voice_closeness_curve([9_103, 45_515])]
    [1.0, 5.0]
    """
    if not (_finite(practices_per_10k) and practices_per_10k > 0):
        raise ScaleError(f"practices per 10,000 people must be a number above zero, not {practices_per_10k!r}")
    try:
        voice_weight, closeness_weight = weights
    except (TypeError, ValueError):
        raise ScaleError("weights must be a pair: (weight on voice, weight on closeness)") from None
    rows = []
    for population in sizes:
        _require_positive(population, "each population on the curve")
        n = max(1.0, float(population) * practices_per_10k / 10_000)
        v = distance_vs_voice(population, n, voice_weight, closeness_weight)
        rows.append(dict(population=v.population, practices=v.n_practices, voice=v.voice,
                         closeness=v.closeness, score=v.score))
    return rows


# --- checks --------------------------------------------------------------------------------------

def _finite(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_)) and math.isfinite(x)


def _require_positive(x, name: str) -> None:
    if not _finite(x):
        raise ScaleError(f"{name} must be a number of people, not {x!r}")
    if x <= 0:
        raise ScaleError(f"{name} must be above zero, not {x:,}")


def _is_na(x) -> bool:
    pandas = sys.modules.get("pandas")  # pd.NA exists only once pandas is imported
    return pandas is not None and x is pandas.NA


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or _is_na(x) or str(x).strip() == ""


def _whole_if_integral(x):
    return int(x) if float(x).is_integer() else float(x)
