"""Unit tests for pcn_workbook.models.scale: Gowland's figures, hand-worked groupings, validation."""

from __future__ import annotations

import doctest
import math
import time
from pathlib import Path

import pandas as pd
import pytest

from pcn_workbook.models import scale as sc

NHS_LISTS = Path(__file__).resolve().parents[2] / "datasets" / "nhs_practice_lists_2021_01.csv"


def area(rows) -> pd.DataFrame:
    """A practice table from (code, postcode, list_size) triples."""
    return pd.DataFrame(rows, columns=["code", "postcode", "list_size"])


def shape(grouping: sc.Grouping) -> list[tuple[str, ...]]:
    return [n.practices for n in grouping.networks]


def test_doctests_in_scale_module_pass():
    result = doctest.testmod(sc, verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0


# --- relationships: Gowland's numbers game -------------------------------------------------------

@pytest.mark.parametrize("unit,expected", [
    (8_000, 37.5),     # one relationship per average practice
    (30_000, 10.0),    # the bottom of the PCN band
    (50_000, 6.0),     # the top of the PCN band
    (200_000, 1.5),    # a federation
    (300_000, 1.0),    # a federation the size of the hospital's population
])
def test_gowland_relationships(unit, expected):
    assert sc.relationships(sc.HOSPITAL_POPULATION, unit) == expected


def test_default_constants_give_37_and_a_half():
    assert sc.relationships(sc.HOSPITAL_POPULATION, sc.PRACTICE_POPULATION) == 37.5
    assert sc.PCN_BAND == (30_000, 50_000)


def test_the_numbers_game_is_credited_to_the_essay_it_comes_from():
    """REVIEW M9: the 300,000 / 8,000 arithmetic is in "Making general practice easy to do business
    with" only; "What is a Primary Care Network for?" gives the PCN band and nothing more."""
    doc = " ".join(sc.relationships.__doc__.split())
    assert "Making general practice easy to do business with" in doc
    assert "What is a Primary Care Network for?" not in doc
    module = " ".join(sc.__doc__.split())
    numbers_game = module.split("the numbers game", 1)[0].rsplit("*", 1)[1]
    assert "Making general practice easy to do business with" in numbers_game
    assert "What is a Primary Care Network for?" not in numbers_game


def test_a_community_trust_of_a_million_faces_125_practices():
    """Gowland: community trusts serve over a million people, which makes the numbers game worse."""
    assert sc.relationships(sc.COMMUNITY_TRUST_POPULATION, sc.PRACTICE_POPULATION) == 125.0


@pytest.mark.parametrize("hospital,unit,words", [
    (300_000, 0, ["population of each unit", "above zero"]),
    (300_000, -8_000, ["population of each unit", "above zero"]),
    (0, 8_000, ["hospital", "above zero"]),
    (math.nan, 8_000, ["hospital", "number of people"]),
    (300_000, math.inf, ["population of each unit", "number of people"]),
    ("300000", 8_000, ["hospital", "number of people"]),
    (300_000, True, ["population of each unit", "number of people"]),
    (None, 8_000, ["hospital", "number of people"]),
])
def test_relationships_rejects_bad_populations_plainly(hospital, unit, words):
    with pytest.raises(sc.ScaleError) as e:
        sc.relationships(hospital, unit)
    for w in words:
        assert w in str(e.value)


def test_scale_error_is_a_value_error():
    assert issubclass(sc.ScaleError, ValueError)


# --- postcode order -----------------------------------------------------------------------------

def test_natural_sort_puts_cw7_before_cw10():
    codes = ["CW10 1AA", "CW7 9ZZ", "CW1 5AB", "CW11 0AA", "CW7 1AB", "CW2 3XY"]
    assert sorted(codes, key=sc.postcode_key) == ["CW1 5AB", "CW2 3XY", "CW7 1AB", "CW7 9ZZ", "CW10 1AA", "CW11 0AA"]
    assert sorted(codes) != sorted(codes, key=sc.postcode_key)  # plain text order gets this wrong


def test_natural_sort_orders_area_then_district_then_letter_then_inward():
    codes = ["SK9 1AA", "M1 1AA", "EC1A 1BB", "EC1 2AA", "EC1 1ZZ", "E1 6AN", "CH64 1AA"]
    ordered = sorted(codes, key=sc.postcode_key)
    assert ordered.index("E1 6AN") < ordered.index("EC1 1ZZ") < ordered.index("EC1 2AA") < ordered.index("EC1A 1BB")
    assert ordered.index("CH64 1AA") < ordered.index("E1 6AN") < ordered.index("M1 1AA") < ordered.index("SK9 1AA")


def test_postcode_key_ignores_case_and_spacing():
    assert sc.postcode_key("cw7  1ab") == sc.postcode_key("CW7 1AB") == sc.postcode_key("CW71AB")
    assert sc.outward_code("cw10 1ab") == "CW10"


def test_non_postcodes_sort_after_postcodes():
    assert sorted(["NOT KNOWN", "ZE3 1AA"], key=sc.postcode_key) == ["ZE3 1AA", "NOT KNOWN"]
    assert sc.outward_code("not known") == "NOT"


# --- grouping: hand-worked areas (band 30,000-50,000 unless said) ---------------------------------

# Six practices whose rows arrive out of postcode order. In postcode order (CW7 before CW10) the
# sizes are 15k, 15k, 15k, 15k, 10k, 20k. Closing a network as soon as it reaches 30k would give
# three networks of 30k (each 10k from the 40k midpoint: 3 x 10k^2 = 300m); the best cut is two
# networks of 45k (2 x 5k^2 = 50m). Every other cut leaves someone out of the band.
TIE_BREAK = area([
    ("F", "CW11 1AA", 20_000),
    ("D", "CW7 1AA", 15_000),
    ("A", "CW1 1AA", 15_000),
    ("E", "CW10 1AA", 10_000),
    ("C", "CW3 1AA", 15_000),
    ("B", "CW2 1AA", 15_000),
])


def test_tie_break_prefers_networks_near_the_midpoint():
    g = sc.group_practices(TIE_BREAK, 30_000, 50_000)
    assert shape(g) == [("A", "B", "C"), ("D", "E", "F")]
    assert [n.population for n in g.networks] == [45_000, 45_000]
    assert [n.name for n in g.networks] == ["Network 1", "Network 2"]
    assert [n.districts for n in g.networks] == [("CW1", "CW2", "CW3"), ("CW7", "CW10", "CW11")]
    assert g.left_over == () and g.left_over_population == 0
    assert g.count == 2 and g.population == 90_000


def test_grouping_relationships_use_the_mean_network_population():
    g = sc.group_practices(TIE_BREAK, 30_000, 50_000)
    assert g.relationships(300_000) == pytest.approx(300_000 / 45_000)
    assert g.relationships(90_000) == pytest.approx(2.0)


# Sizes in postcode order 25k, 10k, 30k, 15k. Closing a network as soon as it reaches 30k gives
# [25k+10k] [30k] [15k]: three practices in band. The best cut covers all four: [35k] [45k].
COVERAGE = area([
    ("P1", "SK9 1AA", 25_000),
    ("P2", "SK9 2AA", 10_000),
    ("P3", "SK10 1AA", 30_000),
    ("P4", "SK10 2AA", 15_000),
])


def test_coverage_comes_before_closing_early():
    g = sc.group_practices(COVERAGE, 30_000, 50_000)
    assert shape(g) == [("P1", "P2"), ("P3", "P4")]
    assert [n.population for n in g.networks] == [35_000, 45_000]
    assert g.left_over == ()


# Sizes in postcode order 20k, 45k, 20k, 60k, 12k, 25k. P1 cannot join P2 (65k) so sits alone under
# the band; P3 cannot join P2 (65k) or P4 (80k) so sits alone; P4 is a single practice above the
# band, which is allowed; P5 and P6 make 37k.
AWKWARD = area([
    ("P6", "CW5 2AA", 25_000),
    ("P1", "CW1 1AA", 20_000),
    ("P4", "CW4 1AA", 60_000),
    ("P2", "CW2 1AA", 45_000),
    ("P5", "CW5 1AA", 12_000),
    ("P3", "CW3 1AA", 20_000),
])


def test_unavoidable_small_networks_are_left_over_and_giants_stand_alone():
    g = sc.group_practices(AWKWARD, 30_000, 50_000)
    assert shape(g) == [("P1",), ("P2",), ("P3",), ("P4",), ("P5", "P6")]
    assert g.left_over == ("P1", "P3")
    assert g.left_over_population == 40_000
    assert [n.practices for n in g.oversized] == [("P4",)]
    assert [n.practices for n in g.in_band] == [("P2",), ("P5", "P6")]
    assert g.networks[-1].districts == ("CW5",)  # two practices, one district


def test_an_area_too_small_for_the_band_becomes_one_left_over_network():
    small = area([("A", "CH1 1AA", 5_000), ("B", "CH2 1AA", 6_000), ("C", "CH3 1AA", 7_000)])
    g = sc.group_practices(small, 30_000, 50_000)
    assert shape(g) == [("A", "B", "C")]
    assert g.left_over == ("A", "B", "C") and g.left_over_population == 18_000
    assert g.relationships(300_000) == pytest.approx(300_000 / 18_000)


def test_exact_ties_are_settled_the_same_way_every_time():
    # [20k 20k] [20k] and [20k] [20k 20k] score the same; the answer must not depend on row order.
    tie = area([("A", "M1 1AA", 20_000), ("B", "M2 1AA", 20_000), ("C", "M3 1AA", 20_000)])
    first = sc.group_practices(tie, 30_000, 50_000)
    for rows in ([2, 1, 0], [1, 2, 0], [0, 2, 1]):
        assert sc.group_practices(tie.iloc[rows], 30_000, 50_000) == first
    assert first.left_over_population == 20_000


def test_shared_postcodes_are_ordered_by_code():
    same = area([("Z9", "WA6 0BW", 20_000), ("A1", "WA6 0BW", 15_000), ("M5", "WA6 0BW", 10_000)])
    g = sc.group_practices(same, 30_000, 50_000)
    assert shape(g) == [("A1", "M5", "Z9")]
    assert g.networks[0].districts == ("WA6",)


def test_band_edges_count_as_in_band():
    edges = area([("A", "CW1 1AA", 10_000), ("B", "CW1 2AA", 20_000), ("C", "CW2 1AA", 50_000)])
    g = sc.group_practices(edges, 30_000, 50_000)
    assert shape(g) == [("A", "B"), ("C",)]
    assert g.left_over == () and g.oversized == ()


def test_a_single_point_band_and_a_fractional_midpoint():
    g = sc.group_practices(area([("A", "CW1 1AA", 3), ("B", "CW1 2AA", 4), ("C", "CW1 3AA", 7)]), 7, 7)
    assert shape(g) == [("A", "B"), ("C",)]
    g = sc.group_practices(area([("A", "CW1 1AA", 3), ("B", "CW1 2AA", 4)]), 3, 4)  # midpoint 3.5
    assert shape(g) == [("A",), ("B",)]


def test_extra_columns_and_numpy_sizes_are_fine():
    rows = TIE_BREAK.assign(ccg="27D", list_size=TIE_BREAK.list_size.astype("int64"))
    assert sc.group_practices(rows, 30_000, 50_000) == sc.group_practices(TIE_BREAK, 30_000, 50_000)
    as_float = TIE_BREAK.assign(list_size=TIE_BREAK.list_size.astype(float))
    assert sc.group_practices(as_float, 30_000.0, 50_000.0) == sc.group_practices(TIE_BREAK, 30_000, 50_000)


# --- grouping: validation -----------------------------------------------------------------------

GOOD = area([("A", "CW1 1AA", 20_000), ("B", "CW2 1AA", 20_000)])


@pytest.mark.parametrize("practices,lo,hi,words", [
    (area([]), 30_000, 50_000, ["no practices"]),
    (GOOD.drop(columns="postcode"), 30_000, 50_000, ["missing: postcode"]),
    ([("A", "CW1 1AA", 20_000)], 30_000, 50_000, ["table"]),
    (GOOD.assign(list_size=[20_000, 0]), 30_000, 50_000, ["B", "list size", "above zero"]),
    (GOOD.assign(list_size=[-5, 20_000]), 30_000, 50_000, ["A", "list size"]),
    (GOOD.assign(list_size=[20_000, math.nan]), 30_000, 50_000, ["B", "list size", "nan"]),
    (GOOD.assign(list_size=[20_000, math.inf]), 30_000, 50_000, ["B", "list size"]),
    (GOOD.assign(list_size=[20_000.5, 1]), 30_000, 50_000, ["A", "whole number"]),
    (GOOD.assign(list_size=["20000", 1]), 30_000, 50_000, ["A", "list size"]),
    (GOOD.assign(postcode=["CW1 1AA", None]), 30_000, 50_000, ["B", "no postcode"]),
    (GOOD.assign(postcode=["  ", "CW1 1AA"]), 30_000, 50_000, ["A", "no postcode"]),
    (GOOD.assign(code=["A", "A"]), 30_000, 50_000, ["A", "more than once"]),
    (GOOD.assign(code=["A", None]), 30_000, 50_000, ["no code"]),
    (GOOD, 0, 50_000, ["smallest", "above zero"]),
    (GOOD, -30_000, 50_000, ["smallest", "above zero"]),
    (GOOD, 50_000, 30_000, ["larger than the largest", "50,000", "30,000"]),
    (GOOD, math.nan, 50_000, ["smallest", "number of patients"]),
    (GOOD, 30_000, math.inf, ["largest", "number of patients"]),
    (GOOD, 30_000, None, ["largest", "number of patients"]),
])
def test_group_practices_rejects_bad_input_plainly(practices, lo, hi, words):
    with pytest.raises(sc.ScaleError) as e:
        sc.group_practices(practices, lo, hi)
    for w in words:
        assert w in str(e.value)


# --- distance against voice ----------------------------------------------------------------------

def test_distance_vs_voice_by_hand():
    v = sc.distance_vs_voice(150_000, 16, 1.0, 0.0)
    assert v.voice == pytest.approx(0.75)  # 150k / (150k + 50k)
    assert v.closeness == pytest.approx(0.25)  # 1 / sqrt(16)
    assert v.score == pytest.approx(0.75)
    v = sc.distance_vs_voice(150_000, 16, 0.2, 0.6)
    assert v.score == pytest.approx((0.2 * 0.75 + 0.6 * 0.25) / 0.8)
    assert (v.voice_weight, v.closeness_weight) == (0.2, 0.6)


def test_distance_vs_voice_says_it_is_illustrative():
    v = sc.distance_vs_voice(40_000, 5, 0.5, 0.5)
    assert "not evidence" in v.caveat and "50,000" in v.caveat
    assert "ILLUSTRATIVE" in sc.distance_vs_voice.__doc__
    assert "our assumption" in sc.__doc__
    with pytest.raises(Exception):
        v.voice = 1.0  # frozen


@pytest.mark.parametrize("args,words", [
    ((0, 3, 0.5, 0.5), ["population covered", "above zero"]),
    ((math.nan, 3, 0.5, 0.5), ["population covered"]),
    ((40_000, 0, 0.5, 0.5), ["at least one practice"]),
    ((40_000, 0.5, 0.5, 0.5), ["at least one practice"]),
    ((40_000, 3, 1.5, 0.5), ["weight on voice", "between 0 and 1"]),
    ((40_000, 3, 0.5, -0.1), ["weight on closeness", "between 0 and 1"]),
    ((40_000, 3, 0.5, math.nan), ["weight on closeness"]),
    ((40_000, 3, 0, 0), ["both weights are zero"]),
])
def test_distance_vs_voice_rejects_bad_input_plainly(args, words):
    with pytest.raises(sc.ScaleError) as e:
        sc.distance_vs_voice(*args)
    for w in words:
        assert w in str(e.value)


def test_curve_uses_the_national_average_list_by_default():
    rows = sc.voice_closeness_curve([4_000, 9_103, 50_000, 300_000])
    assert [set(r) for r in rows] == [{"population", "practices", "voice", "closeness", "score"}] * 4
    assert [r["population"] for r in rows] == [4_000, 9_103, 50_000, 300_000]
    assert rows[0]["practices"] == 1.0  # never fewer than one practice
    assert rows[1]["practices"] == pytest.approx(1.0)
    assert rows[3]["practices"] == pytest.approx(300_000 / 9_103)
    assert rows[2]["voice"] == pytest.approx(0.5)
    assert rows[2]["score"] == pytest.approx(0.5 * 0.5 + 0.5 / math.sqrt(50_000 / 9_103))


def test_curve_has_default_sizes_for_the_app():
    rows = sc.voice_closeness_curve(weights=(0.3, 0.7))
    assert [r["population"] for r in rows] == list(sc.CURVE_SIZES)
    assert rows[0]["population"] == 5_000 and rows[-1]["population"] == 400_000


def test_curve_takes_a_rate_and_weights():
    rows = sc.voice_closeness_curve([40_000], practices_per_10k=1.0, weights=(0.0, 1.0))
    assert rows[0]["practices"] == pytest.approx(4.0)
    assert rows[0]["score"] == pytest.approx(0.5)
    with pytest.raises(sc.ScaleError, match="practices per 10,000"):
        sc.voice_closeness_curve([40_000], practices_per_10k=0)
    with pytest.raises(sc.ScaleError, match="pair"):
        sc.voice_closeness_curve([40_000], weights=0.5)
    with pytest.raises(sc.ScaleError, match="each population"):
        sc.voice_closeness_curve([40_000, -1])


# --- a real area: NHS Cheshire CCG (27D), January 2021 --------------------------------------------

@pytest.mark.skipif(not NHS_LISTS.exists(), reason="NHS practice lists not in datasets/")
def test_cheshire_ccg_forms_twenty_networks_of_30_to_50k_quickly():
    raw = pd.read_csv(NHS_LISTS, usecols=["CCG_CODE", "CODE", "POSTCODE", "NUMBER_OF_PATIENTS"])
    cheshire = raw[(raw.CCG_CODE == "27D") & (raw.NUMBER_OF_PATIENTS >= 1_000)]
    practices = cheshire.rename(columns={"CODE": "code", "POSTCODE": "postcode", "NUMBER_OF_PATIENTS": "list_size"})
    assert len(practices) == 76 and practices.list_size.sum() == 783_448
    start = time.perf_counter()
    g = sc.group_practices(practices, 30_000, 50_000)
    assert time.perf_counter() - start < 1.0
    assert g.count == 20 and len(g.in_band) == 20
    assert g.left_over == () and g.oversized == ()
    assert g.population == 783_448
    assert sorted(c for n in g.networks for c in n.practices) == sorted(practices.code)
