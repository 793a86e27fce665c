"""Train a tiny model: fit y = slope * x + intercept by least squares and report its error.

Later challenges run this script in an Azure Machine Learning pipeline; here it only needs Python.
"""

from __future__ import annotations

import json
import sys

# Hours of study and the exam score reached: a small, made-up data set.
DATA = [(1.0, 52.0), (2.0, 57.0), (3.0, 61.0), (4.0, 68.0), (5.0, 71.0), (6.0, 77.0)]


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The slope and intercept that minimise the squared error."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in points)
    variance = sum((x - mean_x) ** 2 for x, _ in points)
    slope = covariance / variance
    return slope, mean_y - slope * mean_x


def mean_absolute_error(points: list[tuple[float, float]], slope: float, intercept: float) -> float:
    return sum(abs(y - (slope * x + intercept)) for x, y in points) / len(points)


def main() -> int:
    slope, intercept = fit(DATA)
    report = {
        "slope": round(slope, 3),
        "intercept": round(intercept, 3),
        "mae": round(mean_absolute_error(DATA, slope, intercept), 3),
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
