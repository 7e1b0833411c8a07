"""UN document symbols: every way sources write one comes down to one normalised symbol."""

import pytest

from topics.symbols import MalformedSymbol, normalize_symbol


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("A/RES/70/176", "A/RES/70/176"),
        ("A/Res/70/176", "A/RES/70/176"),
        ("resolution 70/176", "A/RES/70/176"),
        ("General Assembly resolution 70/176", "A/RES/70/176"),
        ("ECOSOC resolution 2005/20", "E/RES/2005/20"),
        ("Economic and Social Council resolution 2005/20", "E/RES/2005/20"),
        ("resolution 2002/12", "E/RES/2002/12"),
        ("A/HRC/RES/32/19.", "A/HRC/RES/32/19"),
        ("Human Rights Council resolution 32/19", "A/HRC/RES/32/19"),
        ("CCPCJ 27/2", "CCPCJ/RES/27/2"),
        ("E/CN.15/2015/16", "E/CN.15/2015/16"),
        ("A/CONF.234/RPM.4./1", "A/CONF.234/RPM.4/1"),
        ("  a / res / 72 / 1. ", "A/RES/72/1"),
    ],
)
def test_written_forms_normalise_to_one_symbol(written, normalized):
    """Case, spacing, a trailing full stop and the issuing body's name do not matter."""
    assert normalize_symbol(written) == normalized


@pytest.mark.parametrize("written", ["", "hello", "A RES 70 176", "<script>", "A/" + "X" * 100])
def test_malformed_symbols_are_refused(written):
    """Text that is not a symbol is refused rather than guessed at."""
    with pytest.raises(MalformedSymbol):
        normalize_symbol(written)
