"""CSV samples (x, y) read into sorted arrays; `targets.csv_target` makes a target of them."""

from __future__ import annotations

import csv
import itertools
import math
import os
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from uat.errors import UatError

_StrPath = str | os.PathLike[str]


def _split(line: str, where: str = "", number: int = 0) -> list[str]:
    """Fields of one line: comma, else semicolon, else whitespace separated."""
    for delimiter in (",", ";"):
        if delimiter in line:
            try:
                fields = next(csv.reader([line], delimiter=delimiter))
            except csv.Error as exc:  # a quoted field over 131,072 characters, a NUL byte
                raise UatError(f"{where}, line {number}: {exc}") from None
            return [field.strip() for field in fields]
    return line.split()


def _floats(fields: list[str], columns: tuple[int, int]) -> tuple[float, float] | None:
    """The two chosen fields as floats, or None if either is missing or not a number."""
    try:
        return float(fields[columns[0]]), float(fields[columns[1]])
    except (IndexError, ValueError):
        return None


def _rows(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, stripped text) of each line that is not blank or a '#' comment, streamed."""
    from uat.io import read_lines_limited

    for number, line in enumerate(read_lines_limited(path, None, "CSV file", "csv_bytes"), 1):
        text = line.strip()
        if text and not text.startswith("#"):
            yield number, text


def load_csv(path: _StrPath) -> tuple[np.ndarray, np.ndarray]:
    """Read x,y samples from a CSV file (optional header, '#' comments), sorted by x.

    Parsed as the lines stream into typed arrays (24 bytes a row): a 23 MB file of a million
    rows peaks at 2.6 times its size (measured), where reading it whole took 13 times.
    """
    path = Path(path)
    where = f"CSV file '{path}'"
    rows = _rows(path)
    head = next(rows, None)
    if head is None:
        raise UatError(f"{where} is empty: expected lines of x,y numbers")
    columns = (0, 1)
    first_number, first_line = head
    first = _split(first_line, where, first_number)
    if len(first) < 2:
        raise UatError(f"{where}, line {first_number}: expected 2 columns x,y, found {len(first)}")
    numeric = [_is_float(field) for field in first[:2]]
    if any(numeric) and not all(numeric):
        bad = first[numeric.index(False)]
        raise UatError(f"{where}, line {first_number}: {bad!r} is not a number")
    if not any(numeric):  # a header row
        names = [name.strip().strip("'\"").lower() for name in first]
        if "x" in names and "y" in names:
            columns = (names.index("x"), names.index("y"))
    data = itertools.chain([head] if all(numeric) else [], rows)
    xs, ys, lines = array("d"), array("d"), array("q")
    for number, line in data:
        x, y = _pair(where, number, line, columns, len(first))
        xs.append(x)
        ys.append(y)
        lines.append(number)
    # the x range and |y| go through the target's own domain and value checks
    return _sorted_samples(where, np.frombuffer(xs), np.frombuffer(ys), lines)


def _check_range(
    where: str, lines: Any, places: dict[str, np.ndarray], values: dict[str, np.ndarray]
) -> None:
    """Refuse a coordinate beyond LIMITS["domain_abs"] or a value beyond LIMITS["value_abs"],
    naming the line: points at 1e300 overflow every step that follows (spans, grids, the
    triangulation of a surface) and were reported as something else."""
    from uat.settings import LIMITS

    for group, key in ((places, "domain_abs"), (values, "value_abs")):
        top = LIMITS[key].high
        for name, a in group.items():
            if a.size and not float(np.abs(a).max()) <= top:
                i = int(np.argmax(np.abs(a)))
                raise UatError(
                    f"{where}, line {lines[i]}: {name} = {float(a[i]):g} is beyond ±{top:g}, "
                    f"the largest {'coordinate' if key == 'domain_abs' else 'value'} uat takes"
                )


def _pair(
    where: str, number: int, line: str, columns: tuple[int, int], width: int
) -> tuple[float, float]:
    """The x and y of one data line of `width` fields, or a UatError naming the line."""
    fields = _split(line, where, number)
    if len(fields) != width:  # 0.5,2,7 among x,y rows: a stray value, not silently dropped
        raise UatError(
            f"{where}, line {number}: expected {width} columns like the first line, "
            f"found {len(fields)} in {line!r}"
        )
    pair = _floats(fields, columns)
    if pair is None:
        bad = next(fields[i] for i in columns if not _is_float(fields[i]))
        raise UatError(f"{where}, line {number}: {bad!r} is not a number")
    if not all(math.isfinite(v) for v in pair):
        raise UatError(f"{where}, line {number}: values must be finite, got {line!r}")
    return pair


def _sorted_samples(
    where: str, xs: np.ndarray, ys: np.ndarray, lines: array[int]
) -> tuple[np.ndarray, np.ndarray]:
    """The samples sorted by x, read-only; a UatError for too few rows or a repeated x."""
    if len(xs) < 2:
        raise UatError(f"{where} has {len(xs)} data row(s); at least 2 are needed")
    order = np.argsort(xs, kind="stable")
    x = xs[order]
    y = ys[order]
    same = np.flatnonzero(np.diff(x) == 0)
    if same.size:
        i = int(same[0])
        a, b = sorted((lines[order[i]], lines[order[i + 1]]))
        raise UatError(f"{where}: duplicate x value {float(x[i])!r} (lines {a} and {b})")
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_csv_xyz(path: _StrPath) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read x,y,z samples of a surface (optional header naming x, y, z; '#' comments)."""
    path = Path(path)
    where = f"CSV file '{path}'"
    rows = list(_rows(path))
    if not rows:
        raise UatError(f"{where} is empty: expected lines of x,y,z numbers")
    columns = [0, 1, 2]
    first_number, first_line = rows[0]
    first = _split(first_line, where, first_number)
    if not any(_is_float(field) for field in first):  # a header row
        names = [name.strip().strip("'\"").lower() for name in first]
        missing = [axis for axis in "xyz" if axis not in names]
        if missing and len(names) >= 3:
            raise UatError(f"{where}, line {first_number}: no column named {missing[0]!r}")
        if not missing:
            columns = [names.index(axis) for axis in "xyz"]
        rows = rows[1:]
    table: list[list[float]] = []
    numbers = [number for number, _ in rows]
    for number, line in rows:
        fields = _split(line, where, number)
        if len(fields) <= max(columns):
            raise UatError(
                f"{where}, line {number}: expected 3 columns x,y,z, found {len(fields)} in {line!r}"
            )
        picked = [fields[i] for i in columns]
        bad = next((v for v in picked if not _is_float(v)), None)
        if bad is not None:
            raise UatError(f"{where}, line {number}: {bad!r} is not a number")
        values = [float(v) for v in picked]
        if not all(math.isfinite(v) for v in values):
            raise UatError(f"{where}, line {number}: values must be finite, got {line!r}")
        table.append(values)
    if len(table) < 3:
        raise UatError(f"{where} has {len(table)} data row(s); a surface needs at least 3")
    xyz = np.asarray(table)
    _check_range(where, numbers, {"x": xyz[:, 0], "y": xyz[:, 1]}, {"z": xyz[:, 2]})
    _, first_seen, counts = np.unique(xyz[:, :2], axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        px, py = (float(v) for v in xyz[first_seen[np.argmax(counts > 1)], :2])
        raise UatError(f"{where}: the point (x, y) = ({px!r}, {py!r}) appears more than once")
    x, y, z = (np.ascontiguousarray(xyz[:, k]) for k in range(3))
    for a in (x, y, z):
        a.setflags(write=False)
    return x, y, z
