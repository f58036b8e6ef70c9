"""Settings: defaults are valid, invalid values raise ConfigError quoting the value."""

from __future__ import annotations

import dataclasses
import json

import pytest

from storytrace import ConfigError, Settings, StorytraceError


def test_defaults_are_valid_and_round_trip() -> None:
    s = Settings()
    d = s.to_dict()
    assert Settings.from_dict(d) == s
    assert Settings.from_dict(json.loads(json.dumps(d))) == s
    assert s.weight_body + s.weight_entities + s.weight_title == pytest.approx(1.0)
    assert s.num_perm % s.lsh_bands == 0


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().story_threshold = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value", "quoted"),
    [
        ("story_threshold", 1.5, "1.5"),
        ("near_coverage", -0.1, "-0.1"),
        ("paraphrase_similarity", 2, "2"),
        ("unrelated_share", float("nan"), "nan"),
        ("shingle_size", 0, "0"),
        ("shingle_size", 2.5, "2.5"),
        ("top_terms", -3, "-3"),
        ("num_perm", "128", "'128'"),
        ("near_coverage", True, "True"),
        ("near_coverage", None, "None"),
        ("lsh_bands", 3, "3"),
        ("story_window_days", 0, "0"),
        ("story_window_days", -5.0, "-5.0"),
        ("max_postings", 0, "0"),
        ("lead_words", -1, "-1"),
        ("lead_words", 10.5, "10.5"),
        ("scanned_min_words", -1, "-1"),
        ("scanned_min_words", 50.5, "50.5"),
    ],
)
def test_invalid_value_raises_config_error_quoting_it(field: str, value: object, quoted: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings(**{field: value})
    msg = str(info.value)
    assert field in msg
    assert quoted in msg


def test_config_error_is_a_storytrace_error_and_value_error() -> None:
    with pytest.raises(StorytraceError):
        Settings(story_threshold=7)
    with pytest.raises(ValueError):
        Settings(story_threshold=7)


def test_weights_must_add_up_to_one() -> None:
    with pytest.raises(ConfigError, match="add up to 1"):
        Settings(weight_body=0.9)
    s = Settings(weight_body=0.5, weight_entities=0.3, weight_title=0.2)
    assert s.weight_body == 0.5


def test_weights_error_quotes_the_values() -> None:
    with pytest.raises(ConfigError) as info:
        Settings(weight_body=0.9)
    assert "0.9" in str(info.value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("field", ["story_window_days", "story_threshold", "num_perm"])
def test_non_finite_values_are_rejected(field: str, value: float) -> None:
    # a NaN window would pass a "<= 0" check and then never separate any pair
    with pytest.raises(ConfigError) as info:
        Settings(**{field: value})
    assert field in str(info.value) and repr(value) in str(info.value)


def test_lsh_bands_must_divide_num_perm() -> None:
    with pytest.raises(ConfigError, match="lsh_bands"):
        Settings(num_perm=100, lsh_bands=32)
    assert Settings(num_perm=64, lsh_bands=16).lsh_bands == 16


def test_from_dict_rejects_unknown_keys_by_name() -> None:
    with pytest.raises(ConfigError, match="bogus"):
        Settings.from_dict({"bogus": 1})


def test_from_dict_validates_values() -> None:
    d = Settings().to_dict()
    d["story_threshold"] = 3
    with pytest.raises(ConfigError, match="3"):
        Settings.from_dict(d)


def test_settings_stored_before_lead_words_existed_keep_the_lead_off() -> None:
    """An index written before ``lead_words`` existed holds vectors built without the lead weighting: its
    stored settings read back with the lead off, so new articles are fingerprinted the same way."""
    d = Settings().to_dict()
    del d["lead_words"]
    assert Settings.from_dict(d).lead_words == 0
    assert Settings.from_dict(Settings().to_dict()).lead_words == Settings().lead_words


def test_settings_stored_before_attach_threshold_existed_keep_singletons_alone() -> None:
    """An index written before ``attach_threshold`` existed clustered without attaching lone broad articles:
    read back, it keeps doing so, so a component re-clustered later agrees with the ones left as they were."""
    d = Settings().to_dict()
    del d["attach_threshold"]
    old = Settings.from_dict(d)
    assert old.attach_threshold == 1.0 >= old.story_threshold
    assert Settings.from_dict(Settings().to_dict()).attach_threshold == Settings().attach_threshold < Settings().story_threshold


def test_settings_stored_before_edited_reprints_were_near_keep_calling_them_partial() -> None:
    """An index written before ``edited_near_verbatim`` existed stored edited reprints as partial copies:
    read back, the rule is off (all of both texts verbatim, which the plain near rule already takes)."""
    d = Settings().to_dict()
    del d["edited_near_verbatim"], d["edited_near_coverage"]
    old = Settings.from_dict(d)
    assert old.edited_near_verbatim == 1.0 and old.edited_near_coverage == Settings().edited_near_coverage
    assert Settings.from_dict(Settings().to_dict()).edited_near_verbatim == Settings().edited_near_verbatim < 1.0


def test_settings_stored_before_splices_were_set_aside_keep_counting_them() -> None:
    """An index written before ``near_unrelated_max`` existed judged near copies with their spliced text
    counted: read back, none is set aside, so new pairs are judged as the stored ones were."""
    d = Settings().to_dict()
    del d["near_unrelated_max"]
    assert Settings.from_dict(d).near_unrelated_max == 0.0
    assert Settings.from_dict(Settings().to_dict()).near_unrelated_max == Settings().near_unrelated_max > 0.0
    with pytest.raises(ConfigError, match="near_unrelated_max"):
        Settings(near_unrelated_max=1.5)


@pytest.mark.parametrize("name", ["exact_apostrophes", "unwrap_lines"])
def test_switches_added_later_read_back_off_for_indexes_stored_before(name: str) -> None:
    """An index written before ``exact_apostrophes`` existed stored exact hashes that tell ’ from ', and one
    written before ``unwrap_lines`` stored a sentence hash for every line of a hard-wrapped text: read back,
    new articles are hashed the same way, so a stored article and its new copy (or its quote) still match."""
    d = Settings().to_dict()
    del d[name]
    assert getattr(Settings.from_dict(d), name) == 0
    assert getattr(Settings(), name) == 1
    for bad in (2, 0.5, True):
        with pytest.raises(ConfigError, match=name):
            Settings(**{name: bad})


def test_numpy_numbers_are_taken_as_python_numbers() -> None:
    np = pytest.importorskip("numpy")
    s = Settings(num_perm=np.int64(128), story_threshold=np.float64(0.3))
    assert type(s.num_perm) is int and type(s.story_threshold) is float
    assert Settings.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_the_lsh_bands_hint_divides_num_perm() -> None:
    with pytest.raises(ConfigError, match="try 8 or 4"):
        Settings(num_perm=24, lsh_bands=5)


def test_settings_stored_before_scanned_texts_were_read_apart_keep_their_vectors() -> None:
    """An index written before ``scanned_min_words`` existed stored every text's vectors with the words no
    list knows: read back, new articles' vectors are built the same way."""
    d = Settings().to_dict()
    del d["scanned_min_words"]
    assert Settings.from_dict(d).scanned_min_words == 0
    assert Settings().scanned_min_words == 50
