"""The hypothesis profiles of tests/conftest.py: `ci` runs every property test as written, `dev`
(`make check`) a quarter of its examples, at least DEV_MIN_EXAMPLES and at most as written."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEV_MIN_EXAMPLES, _fewer_examples, dev_examples


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_dev_examples_are_fewer_but_never_too_few_and_grow_with_the_written(
    written: int, more: int
) -> None:
    fewer = dev_examples(written)
    assert min(written, DEV_MIN_EXAMPLES) <= fewer <= written
    assert dev_examples(written + more) >= fewer


def test_the_ci_profile_is_hypothesis_default() -> None:
    assert settings.get_profile("ci").max_examples == settings.get_profile("default").max_examples
    assert settings.get_profile("dev").max_examples == dev_examples(
        settings.get_profile("default").max_examples
    )


@pytest.mark.parametrize("profile", ["ci", "dev"])
def test_no_profile_times_an_example(profile: str) -> None:
    """Wall time on a shared machine is not the test's: no deadline, no too-slow check (a
    test may still set its own)."""
    untimed = settings.get_profile(profile)
    assert untimed.deadline is None
    assert HealthCheck.too_slow in untimed.suppress_health_check


@settings(max_examples=1)
@given(st.integers())
def test_a_test_with_settings_of_its_own_is_untimed_too(number: int) -> None:
    time.sleep(0.25)  # beyond hypothesis' default deadline of 200 ms an example


@dataclass
class _Item:
    obj: Any


def test_a_tests_own_examples_are_scaled_once_for_all_its_parameters() -> None:
    @settings(max_examples=300, deadline=None)
    @given(st.integers())
    def written_with_300(number: int) -> None:
        pass

    @given(st.integers())
    def profile_default(number: int) -> None:
        pass

    def plain() -> None:
        pass

    before = profile_default._hypothesis_internal_use_settings.max_examples  # type: ignore[attr-defined]
    items = [_Item(written_with_300), _Item(written_with_300), _Item(profile_default), _Item(plain)]
    _fewer_examples(items)  # type: ignore[arg-type]
    assert written_with_300._hypothesis_internal_use_settings.max_examples == 75  # type: ignore[attr-defined]
    assert written_with_300._hypothesis_internal_use_settings.deadline is None  # type: ignore[attr-defined]
    assert profile_default._hypothesis_internal_use_settings.max_examples == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("written", [1, 8, 10, 15, 40, 100, 300])
def test_dev_examples_of_the_counts_in_use(written: int) -> None:
    expected = {1: 1, 8: 8, 10: 10, 15: 10, 40: 10, 100: 25, 300: 75}
    assert dev_examples(written) == expected[written]
