"""Tests for CSV samples as a target."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from uat.core.data import load_csv
from uat.core.targets import csv_target
from uat.errors import UatError


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_with_header(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "x,y\n0,1\n1,3\n2,2\n"))
    np.testing.assert_array_equal(xs, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(ys, [1.0, 3.0, 2.0])
    assert xs.dtype == np.float64 and ys.dtype == np.float64


def test_without_header(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "0,1\n1.5,-2e-1\n"))
    np.testing.assert_array_equal(xs, [0.0, 1.5])
    np.testing.assert_array_equal(ys, [1.0, -0.2])


def test_header_names_select_columns(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "id,Y,x\n1,10,0.5\n2,20,0.25\n"))
    np.testing.assert_array_equal(xs, [0.25, 0.5])
    np.testing.assert_array_equal(ys, [20.0, 10.0])


def test_header_without_x_y_uses_first_two_columns(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "time,value,extra\n0,5,9\n1,6,9\n"))
    np.testing.assert_array_equal(xs, [0.0, 1.0])
    np.testing.assert_array_equal(ys, [5.0, 6.0])


def test_unsorted_rows_are_sorted_with_their_y(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "3,30\n1,10\n2,20\n-1,-10\n"))
    np.testing.assert_array_equal(xs, [-1.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(ys, [-10.0, 10.0, 20.0, 30.0])


def test_comments_blank_lines_and_other_separators(tmp_path: Path) -> None:
    text = "# measured\n\n  x ; y \n# mid comment\n0;1\n\n   \n1 ; 2\n"
    xs, ys = load_csv(write(tmp_path, text))
    np.testing.assert_array_equal(xs, [0.0, 1.0])
    np.testing.assert_array_equal(ys, [1.0, 2.0])
    xs, ys = load_csv(write(tmp_path, "0 1\n1\t2\n", "ws.txt"))
    np.testing.assert_array_equal(ys, [1.0, 2.0])
    xs, ys = load_csv(write(tmp_path, '\ufeff"x","y"\r\n"0","4"\r\n"2","8"\r\n', "bom.csv"))
    np.testing.assert_array_equal(xs, [0.0, 2.0])
    np.testing.assert_array_equal(ys, [4.0, 8.0])


def test_samples_are_read_only(tmp_path: Path) -> None:
    xs, ys = load_csv(write(tmp_path, "0,1\n1,2\n"))
    with pytest.raises(ValueError):
        xs[0] = 5.0
    with pytest.raises(ValueError):
        ys[0] = 5.0


def test_csv_target(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y\n2,0\n0,1\n1,3\n", "my_data.csv")
    target = csv_target(str(path))
    assert target.name == "my_data.csv"
    assert target.domain == (0.0, 2.0)
    assert target.formula == "samples from my_data.csv (3 points)"
    assert "$" not in target.label and "my_data.csv" in target.label
    assert target.df is None and target.continuous
    assert target.samples is not None
    np.testing.assert_array_equal(target.samples[0], [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(target.samples[1], [1.0, 3.0, 0.0])
    # the samples themselves, then midpoints by hand: (1+3)/2, (3+0)/2, and 1/4 of the way
    x = np.array([0.0, 1.0, 2.0, 0.5, 1.5, 1.25])
    np.testing.assert_allclose(target(x), [1.0, 3.0, 0.0, 2.0, 1.5, 3.0 + 0.25 * (0.0 - 3.0)])
    # constant beyond the ends
    np.testing.assert_allclose(target(np.array([-5.0, 7.0])), [1.0, 0.0])
    assert target(np.linspace(0, 2, 7)).shape == (7,)
    # slope 3 on [0, 1] is the steepest piece
    lip = target.lipschitz()
    assert lip is not None and lip == pytest.approx(3.0, rel=1e-6)
    assert target.lipschitz_is_exact


def test_csv_target_accepts_path_and_escapes_dollar(tmp_path: Path) -> None:
    target = csv_target(write(tmp_path, "0,1\n1,2\n", "cost$.csv"))
    assert target.name == "cost$.csv"
    assert target.label == r"cost\$.csv"


ERRORS = [
    ("", "is empty"),
    ("# only a comment\n\n", "is empty"),
    ("x,y\n", "0 data row(s); at least 2"),
    ("x,y\n1,2\n", "1 data row(s); at least 2"),
    ("1,2\n", "1 data row(s)"),
    ("0,1\n1\n2,3\n", "line 2: expected 2 columns like the first line, found 1"),
    ("x,y\n0,1\n0.5,2,7\n1,3\n", "line 3: expected 2 columns like the first line, found 3"),
    ("# c\n\n5\n1,2\n", "line 3: expected 2 columns x,y, found 1"),
    ("x,y\n0,1\n1,abc\n", "line 3: 'abc' is not a number"),
    ("0,1\n1,\n", "line 2: '' is not a number"),
    ("1,abc\n2,3\n3,4\n", "line 1: 'abc' is not a number"),
    ("0,1\nnan,2\n", "line 2: values must be finite"),
    ("0,1\n1,inf\n", "line 2: values must be finite"),
    ("x,y\n0,1\n\n1,-Infinity\n", "line 4: values must be finite"),
    ("0,1\n0.5,2\n1,3\n0.5,4\n", "duplicate x value 0.5 (lines 2 and 4)"),
]


@pytest.mark.parametrize(("text", "phrase"), ERRORS)
def test_errors(tmp_path: Path, text: str, phrase: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UatError) as info:
        load_csv(path)
    message = str(info.value)
    assert phrase in message
    assert str(path) in message and "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UatError, match="not found"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(UatError, match="not found"):
        csv_target(str(tmp_path / "nope.csv"))


def test_directory_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(UatError, match="directory"):
        load_csv(tmp_path)
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(UatError, match="not UTF-8"):
        load_csv(path)


# -- x,y,z samples of a surface --------------------------------------------------------------


def test_xyz_header_selects_columns(tmp_path: Path) -> None:
    from uat.core.data import load_csv_xyz

    x, y, z = load_csv_xyz(write(tmp_path, "z,id,y,x\n5,1,0.5,2\n6,2,0.25,3\n7,3,1,1\n"))
    np.testing.assert_array_equal(x, [2.0, 3.0, 1.0])
    np.testing.assert_array_equal(y, [0.5, 0.25, 1.0])
    np.testing.assert_array_equal(z, [5.0, 6.0, 7.0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y,z\n0,0,1\n1,0\n0,1,2\n", "line 3: expected 3 columns x,y,z, found 2"),
        ("x,y,w\n0,0,1\n1,0,2\n0,1,2\n", "no column named 'z'"),
        ("0,0,1\n1,0,2\n", "2 data row"),
        ("0,0,1\n1,0,nan\n0,1,1\n", "finite"),
        ("0,0,1\n1,0,a\n0,1,1\n", "'a' is not a number"),
        ("0,0,1\n1,0,2\n0,0,3\n", r"\(x, y\) = \(0.0, 0.0\) appears more than once"),
    ],
)
def test_bad_xyz_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    from uat.core.data import load_csv_xyz

    with pytest.raises(UatError, match=message):
        load_csv_xyz(write(tmp_path, text))


def test_a_pipe_or_device_is_refused_before_reading(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)  # reading it would block forever
    with pytest.raises(UatError, match="not a regular file"):
        load_csv(fifo)
    link = tmp_path / "z.csv"
    link.symlink_to("/dev/zero")  # reading it would fill memory
    with pytest.raises(UatError, match="not a regular file"):
        load_csv(link)


def test_a_huge_csv_is_refused_before_reading(tmp_path: Path) -> None:
    from uat.settings import LIMITS

    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: no disk used
        fh.truncate(int(LIMITS["csv_bytes"].high) + 1)
    with pytest.raises(UatError, match=f"larger than {LIMITS['csv_bytes'].high:,.0f} bytes"):
        load_csv(big)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (b'x,y\n1,"' + b"a" * 140_000 + b'"\n2,3\n', "line 2"),  # csv's field limit
    ],
)
def test_a_field_beyond_the_csv_limit_names_its_line(text: bytes, word: str, tmp_path) -> None:
    from uat.core.data import load_csv

    (tmp_path / "d.csv").write_bytes(text)
    with pytest.raises(UatError, match=re.escape(word)):
        load_csv(tmp_path / "d.csv")


def test_surface_points_beyond_the_domain_limit_are_refused(tmp_path) -> None:
    from uat.core.data import load_csv_xyz

    (tmp_path / "s.csv").write_text("x,y,z\n0,0,1\n1,0,2\n0,1e300,3\n")
    with pytest.raises(UatError, match=re.escape("line 4: y = 1e+300")):
        load_csv_xyz(tmp_path / "s.csv")
    (tmp_path / "cr.csv").write_bytes(b"x,y,z\r0,0,1\r1,0,2\r0,1,3\r")
    x, y, z = load_csv_xyz(tmp_path / "cr.csv")  # lone CRs end lines
    assert list(z) == [1.0, 2.0, 3.0] and list(x) == [0.0, 1.0, 0.0]
