"""Shared X12 machinery: options, cleaning, segment building, layout and envelopes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

import clinical_data_generator as cdg
from clinical_data_generator.errors import InvalidArgumentError
from clinical_data_generator.serializers import get_serializer
from clinical_data_generator.serializers.x12 import X12Format, X12Options
from clinical_data_generator.serializers.x12._envelope import ControlNumbers, Envelope, Frame
from clinical_data_generator.serializers.x12._layout import Layout
from clinical_data_generator.serializers.x12._segments import Syntax
from clinical_data_generator.serializers.x12._text import ccyymmdd, clean, money

NAMES = ["x12-270", "x12-271", "x12-276", "x12-277", "x12-834", "x12-835", "x12-837i", "x12-837p"]


def test_every_transaction_is_registered() -> None:
    """All eight x12-* names are formats, each a documents serializer."""
    for name in NAMES:
        assert name in cdg.FORMATS
        serializer = get_serializer(name)
        assert serializer.kind == "documents" and serializer.name == name


def test_configured_instance_is_used_as_is() -> None:
    """A configured X12Format passed in formats is returned unchanged by the registry."""
    fmt = X12Format("x12-834", options=X12Options(sender_id="ACME"))
    assert get_serializer(fmt) is fmt


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"element_separator": "A"}, "element_separator"),
        ({"element_separator": "**"}, "element_separator"),
        ({"segment_terminator": "*"}, "segment_terminator"),
        ({"sender_id": "x" * 16}, "sender_id"),
        ({"sender_id": "A*B"}, "sender_id"),
        ({"usage_indicator": "X"}, "usage_indicator"),
        ({"sender_qualifier": "99"}, "sender_qualifier"),
        ({"claims_per_interchange": 0}, "claims_per_interchange"),
        ({"interchange_control_start": 10**9}, "interchange_control_start"),
        ({"change_since": "yesterday"}, "change_since"),
        ({"segment_terminator": "\n", "newline": True}, "newline"),
    ],
)
def test_bad_options_name_the_argument(kwargs: dict[str, object], argument: str) -> None:
    """Each bad option raises InvalidArgumentError naming that option."""
    with pytest.raises(InvalidArgumentError) as info:
        X12Options(**kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument


def test_bad_format_name() -> None:
    """An unknown transaction name is refused with the allowed names."""
    with pytest.raises(InvalidArgumentError, match="x12-837p"):
        X12Format("x12-999")


def test_clean_makes_values_ascii_and_delimiter_free() -> None:
    """Accents are dropped, delimiters become spaces, spaces collapse, values are cut."""
    out = clean(pa.array(["José  O'Brien*Jr~", None, " ", "a:b^c", "x" * 70]), "*:^~", max_len=60)
    assert out.to_pylist() == ["JOSE O'BRIEN JR", None, None, "A B C", "X" * 60]


def test_money_and_dates() -> None:
    """Amounts lose insignificant zeros; dates are CCYYMMDD."""
    amounts = pa.array(
        [Decimal("100.00"), Decimal("100.50"), Decimal("0.00"), Decimal("-12.30"), Decimal("0.05")],
        pa.decimal128(12, 2),
    )
    assert money(amounts).to_pylist() == ["100", "100.5", "0", "-12.3", "0.05"]
    days = pa.array([dt.date(2024, 2, 29), None, dt.date(1901, 12, 31)])
    assert ccyymmdd(days).to_pylist() == ["20240229", None, "19011231"]


def test_segments_drop_trailing_empty_elements_only() -> None:
    """Empty middle elements keep their place; trailing ones and empty composites vanish."""
    syn = Syntax(X12Options())
    last = pa.array(["DOE", "ROE"])
    mi = pa.array([None, "Q"])
    nm1 = syn.segment(2, "NM1", "IL", "1", last, None, mi)
    assert nm1.to_pylist() == ["NM1*IL*1*DOE", "NM1*IL*1*ROE**Q"]
    comp = syn.composite(2, "HC", pa.array(["99213", "99214"]), pa.array([None, "25"]))
    assert comp.to_pylist() == ["HC:99213", "HC:99214:25"]
    assert syn.composite(1, None, None).to_pylist() == [None]


def test_layout_interleaves_units_and_children() -> None:
    """Unit segments, optional segments and children land in document order."""
    lay = Layout(3)
    head = lay.add()
    optional = lay.add(np.array([True, False, True]))
    lines = lay.children(np.array([0, 0, 2]), [None, np.array([True, False, True])])
    tail = lay.add()
    lay.put(head, pa.array(["A0", "A1", "A2"]))
    lay.put(optional, pa.array(["B0", "B2"]))
    lay.put(lines[0], pa.array(["L0a", "L0b", "L2a"]))
    lay.put(lines[1], pa.array(["M0a", "M2a"]))
    lay.put(tail, pa.array(["Z0", "Z1", "Z2"]))
    text = lay.render("~").decode()
    assert text == "A0~B0~L0a~M0a~L0b~Z0~A1~Z1~A2~B2~L2a~M2a~Z2~"
    assert lay.total == 13


def test_envelopes_count_and_number() -> None:
    """ISA is fixed width; SE counts its transaction; GE/IEA echo the control numbers."""
    options = X12Options(interchange_control_start=41, transaction_control_start=7)
    env = Envelope(options, "HC", "837", "005010X222A1", dt.date(2025, 3, 4))
    controls = ControlNumbers.start(options)
    lay = Layout(3)
    frame = Frame(lay, np.array([0, 0, 1]))
    frame.open()
    body = lay.add()
    frame.close()
    lay.put(body, pa.array(["X*1", "X*2", "X*3"]))
    frame.fill(env, controls, "SENDER", "RECEIVER")
    segments = lay.render("~").decode().split("~")[:-1]
    assert len(segments[0]) == 105 and segments[0].endswith("*000000041*0*T*:")
    assert segments[0][69:81] == "*250304*1200"
    assert segments[2] == "ST*837*0007*005010X222A1"
    assert segments[5] == "SE*4*0007"
    assert segments[6:9] == ["ST*837*0008*005010X222A1", "X*3", "SE*3*0008"]
    assert segments[-2:] == ["GE*2*1", "IEA*1*000000041"]
    assert (controls.interchange, controls.transaction) == (42, 9)


def test_control_numbers_wrap() -> None:
    """Control numbers stay within 9 digits."""
    controls = ControlNumbers(999_999_999, 999_999_999, 999_999_998)
    assert controls.next_interchange() == (999_999_999, 999_999_999)
    assert controls.next_transactions(3) == [999_999_998, 999_999_999, 1]
    assert controls.next_interchange() == (1, 1)
