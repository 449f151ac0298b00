"""uat.settings: one frozen request, every field checked once against one table of limits."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import get_args

import pytest

from uat.errors import UatError
from uat.settings import (
    CHOICES,
    LIMITS,
    HiddenActivation,
    OutputActivation,
    Settings,
    check_number,
    check_width,
    parse_size,
)

# one value out of range (or unknown) for every field, and a phrase the message must hold
BAD = {
    "method": ("magic", "choose one of: construct, train"),
    "heights": ("tallest", "minimax"),
    "steepness": (-1.0, "positive"),
    "activation": ("gelu", "sigmoid"),
    "output_activation": ("tanh", "identity"),
    "shifts": (0, "from 1 to 100"),
    "optimizer": ("sgd", "lm, adam"),
    "loss": ("l1", "mse, sup"),
    "seed": (-1, "from 0 to 4,294,967,295"),
    "max_iter": (10**9, "from 1 to 100,000"),
    "tol": (math.nan, "non-negative"),
    "learning_rate": (0.0, "positive"),
    "restarts": (0, "from 1 to 20"),
    "towers": (0, "from 1 to 64"),
    "layers": (13, "from 1 to 12"),
}


def test_every_field_has_a_bad_value_here_and_a_line_of_help() -> None:
    from uat.settings import FIELD_HELP

    assert set(BAD) == {f.name for f in dataclasses.fields(Settings)} == set(FIELD_HELP)


@pytest.mark.parametrize("name", list(BAD))
def test_every_field_is_checked_and_named_for_a_python_caller(name: str) -> None:
    value, phrase = BAD[name]
    with pytest.raises(UatError) as info:
        Settings(**{name: value})
    assert info.value.param == name
    assert phrase in str(info.value) and name in str(info.value)
    assert "--" not in str(info.value)  # flags are the CLI's words, not the library's


@pytest.mark.parametrize("name", list(BAD))
def test_replace_checks_again(name: str) -> None:
    with pytest.raises(UatError):
        dataclasses.replace(Settings(), **{name: BAD[name][0]})


def test_settings_are_frozen_and_whole_numbers_are_stored_as_int() -> None:
    s = Settings(seed=3.0, shifts=2.0)  # type: ignore[arg-type]
    assert s.seed == 3 and type(s.seed) is int and type(s.shifts) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seed = 4  # type: ignore[misc]
    for bad in (True, 2.5, "3", None):
        with pytest.raises(UatError, match="seed"):
            Settings(seed=bad)  # type: ignore[arg-type]


def test_choices_are_the_activation_registry() -> None:
    from uat.core.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS

    assert CHOICES["activation"] == get_args(HiddenActivation) == HIDDEN_ACTIVATIONS
    assert set(CHOICES["output_activation"]) == set(get_args(OutputActivation))
    assert set(OUTPUT_ACTIVATIONS) == {n for n, a in ACTIVATIONS.items() if a.output}
    symbols = {n: a.symbol for n, a in ACTIVATIONS.items() if a.hidden}
    assert symbols == {"sigmoid": "σ", "tanh": "tanh", "step": "H", "relu": "ReLU",
                       "softplus": "softplus"}  # fmt: skip
    assert [n for n, a in ACTIVATIONS.items() if a.hidden and not a.trains] == ["step"]


@pytest.mark.parametrize("key", list(LIMITS))
def test_each_limit_admits_its_ends_and_refuses_beyond(key: str) -> None:
    rule = LIMITS[key]
    assert rule.low < rule.high
    if rule.high < math.inf:
        assert check_number(key, rule.high) == rule.high
        beyond = rule.high + 1 if rule.whole else rule.high * (1 + 1e-9)
        with pytest.raises(UatError, match=key):
            check_number(key, beyond)
    if not rule.open_low:
        assert check_number(key, rule.low) == rule.low
    with pytest.raises(UatError, match=key):
        check_number(key, rule.low - 1)


def test_one_limit_per_width_rule() -> None:
    construct, train = Settings(), Settings(method="train")
    assert check_width(10_000, construct) == 10_000
    with pytest.raises(UatError, match="too many; the limit here is 10,000"):
        check_width(10_002, construct)
    with pytest.raises(UatError, match="2,000"):
        check_width(2_001, train)
    with pytest.raises(UatError, match="500"):
        check_width(501, Settings(method="train", optimizer="adam"))
    with pytest.raises(UatError, match="2,000"):
        check_width(2_002, construct, animated=True)
    with pytest.raises(UatError, match="× 100 shifts"):
        check_width(102, Settings(shifts=100))  # 10,200 neurons in all
    with pytest.raises(UatError, match="try 50 or 52") as info:
        check_width(51, construct)
    assert info.value.param == "n_neurons"
    assert check_width(51, train) == 51
    for bad in (0, -5, 2.0, True):
        with pytest.raises(UatError, match="positive whole number"):
            check_width(bad, construct)


def test_parse_size() -> None:
    assert parse_size("800x500") == (800, 500) and parse_size("640X400") == (640, 400)
    for bad in ("800", "axb", "800x"):
        with pytest.raises(UatError, match="WIDTHxHEIGHT") as info:
            parse_size(bad)
        assert info.value.param == "size"


def test_the_cli_names_the_flag(cli) -> None:
    code, _, err = cli("fit", "sin", "--seed", "-1")
    assert code == 2 and err.startswith("uat: error: --seed must be a whole number")
    code, _, err = cli("fit", "sin", "-n", "51")
    assert code == 2 and "--neurons 51 is odd" in err
    code, _, err = cli("fit", "sin", "--max-iter", "1000000000")
    assert code == 2 and "--max-iter must be a whole number from 1 to 100,000" in err


@pytest.fixture
def restored_limits():
    """Put every limit back after a test that overrides them."""
    from uat.settings import read_limits

    yield
    read_limits({})


def test_limits_are_raised_from_the_environment(restored_limits) -> None:
    from uat.settings import DEFAULT_LIMITS, read_limits

    read_limits({"UAT_LIMITS": "frames=5000, fps=200", "UAT_MAX_SEEDS": "1e3"})
    assert (LIMITS["frames"].high, LIMITS["fps"].high, LIMITS["seeds"].high) == (5000, 200, 1000)
    assert LIMITS["frames"].whole and LIMITS["hold"] == DEFAULT_LIMITS["hold"]
    assert check_number("seeds", 1000) == 1000
    read_limits({})  # read again: back to the defaults, not piled on the last reading
    assert LIMITS == DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("environ", "phrase"),
    [
        ({"UAT_LIMITS": "nope=3"}, "unknown limit 'nope'"),
        ({"UAT_MAX_FRAMES": "many"}, "frames='many' must be a number"),
        ({"UAT_LIMITS": "fps=-1"}, "must be at least 0"),
    ],
)
def test_bad_limit_overrides_are_one_clear_error(environ, phrase: str, restored_limits) -> None:
    from uat.settings import read_limits

    with pytest.raises(UatError, match=re.escape(phrase)):
        read_limits(environ)


def test_a_number_over_its_limit_says_how_to_raise_it() -> None:
    with pytest.raises(UatError, match="UAT_MAX_SEEDS=N") as info:
        check_number("seeds", LIMITS["seeds"].high + 1)
    assert info.value.param == "seeds"
    with pytest.raises(UatError) as low:
        check_number("seeds", 0)
    assert "UAT_MAX" not in str(low.value)  # too low is not a limit to raise


def test_one_neuron_is_offered_one_even_width() -> None:
    with pytest.raises(UatError, match=r"try 2$"):
        check_width(1, Settings())


def test_explain_refuses_more_curves_than_its_grid_budget() -> None:
    from uat.settings import check_grid

    most = int(LIMITS["grid_neurons"].high // 10_001)
    check_grid(most)
    with pytest.raises(UatError, match=f"at most {most:,} neurons") as info:
        check_grid(most + 1)
    assert info.value.param == "n_neurons"


@pytest.mark.parametrize("field", ["seed", "shifts", "steepness", "max_iter", "tol"])
def test_integers_beyond_every_float_are_refused_by_name(field: str) -> None:
    with pytest.raises(UatError, match=rf"^{field} must be .*got 1000") as info:
        Settings(**{field: 10**400})
    assert info.value.param == field and len(str(info.value)) < 120
