#!/usr/bin/python3
"""Writes test/golden/split-cases.json: the golden cases for lib/random.ts and lib/split.ts.

Run with Debian's Python, which has scikit-learn 1.2.1 and NumPy 1.24.2 (the pyenv python3 on PATH has neither):

    /usr/bin/python3 test/golden/make_split_cases.py

Deterministic: the same versions write the same file byte for byte. What it records:

- ``randomState``: raw ``np.random.RandomState`` output (uint32 streams, ``permutation``, ``choice``, ``randint``,
  ``random_sample``, array seeds), a few chains of calls on one generator (so that how many draws each call
  consumes is checked too), and NumPy's seed errors;
- ``approximateMode``: ``sklearn.utils._approximate_mode`` results, with the next uint32 the generator gives
  afterwards (so the tie-breaking draws are checked, not just the counts);
- ``labels``: the label vectors the split cases stratify on (``digits`` is the last column of digits.csv.gz);
- ``split``: ``train_test_split(np.arange(n), ...)`` results, train and test in order, or the error message;
- ``errors``: one case per error scikit-learn raises, with its message.
"""

import gzip
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split
from sklearn.utils import _approximate_mode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "split-cases.json")

SEEDS = [0, 1, 7, 42, 2**31 - 1, 2**32 - 1]
TEST_SIZES = [0.1, 0.25, 0.33, 0.5, 0.9, 5, 100]


def digits_labels():
    for path in (
        os.path.join(ROOT, "data", "digits.csv.gz"),
        os.path.join(ROOT, "..", "shared", "data", "digits.csv.gz"),
    ):
        if os.path.exists(path):
            with gzip.open(path, "rt") as f:
                rows = [line.strip().split(",") for line in f if line.strip()]
            return np.array([int(r[-1]) for r in rows], dtype=np.int64)
    sys.exit("digits.csv.gz not found in data/ or ../shared/data/")


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def sha256_i32(a):
    import hashlib

    return hashlib.sha256(np.asarray(a, dtype="<i4").tobytes()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# RandomState on its own

def random_state_cases():
    out = {}
    out["uint32"] = [
        {"seed": s, "values": ints(np.random.RandomState(s).randint(0, 2**32, size=1300, dtype=np.uint32))}
        for s in [0, 1, 42, 12345, 2**31 - 1, 2**32 - 1]
    ]
    out["arraySeed"] = [
        {"key": key, "values": ints(np.random.RandomState(key).randint(0, 2**32, size=700, dtype=np.uint32))}
        for key in ([0], [1, 2, 3], [2**32 - 1, 0, 123456789], list(range(700)))
    ]
    perms = []
    for s in [0, 1, 42, 12345, 2**32 - 1]:
        for n in [0, 1, 2, 3, 5, 10, 17, 64, 65, 100, 257, 1000, 1797]:
            perms.append({"seed": s, "n": n, "perm": ints(np.random.RandomState(s).permutation(n))})
        # masks wider than 16 bits (and than 17, 18 bits): compared through a hash of the int32 bytes
        for n in [65536, 65537, 70000, 131073, 300000]:
            p = np.random.RandomState(s).permutation(n)
            perms.append({"seed": s, "n": n, "head": ints(p[:16]), "sha256": sha256_i32(p)})
    out["permutation"] = perms

    choices = []
    for s in [0, 42, 2**32 - 1]:
        for n, size in [(1, 1), (5, 0), (5, 3), (5, 5), (10, 1), (100, 7), (1797, 450)]:
            rs = np.random.RandomState(s)
            choices.append({"seed": s, "n": n, "size": size, "values": ints(rs.choice(n, size=size, replace=False))})
        pool = [4, 8, 15, 16, 23, 42]
        rs = np.random.RandomState(s)
        choices.append({"seed": s, "from": pool, "size": 4, "values": ints(rs.choice(pool, size=4, replace=False))})
    out["choice"] = choices

    randints = []
    for s in [0, 42, 2**32 - 1]:
        for low, high, size in [
            (0, 10, 50),
            (-5, 5, 50),
            (0, 1, 5),
            (7, 8, 5),
            (0, 2**16, 50),
            (0, 2**16 + 1, 50),
            (3, 2**31, 50),
            (0, 2**32, 50),
            (0, 2**32 + 1, 50),
            (-(2**40), 2**40, 50),
            (0, 2**53, 20),
        ]:
            rs = np.random.RandomState(s)
            randints.append({"seed": s, "low": low, "high": high, "size": size, "values": ints(rs.randint(low, high, size=size))})
    out["randint"] = randints

    out["randomSample"] = [
        {"seed": s, "values": [float(v) for v in np.random.RandomState(s).random_sample(40)]} for s in [0, 42, 2**32 - 1]
    ]

    # chains of calls on one generator: each call must consume exactly the draws NumPy's does
    seqs = []
    for s in [0, 5, 2**32 - 1]:
        rs = np.random.RandomState(s)
        ops = []
        ops.append({"op": "randint", "low": 0, "high": 1, "size": 3, "values": ints(rs.randint(0, 1, size=3))})
        ops.append({"op": "permutation", "n": 1, "values": ints(rs.permutation(1))})
        ops.append({"op": "uint32", "size": 2, "values": ints(rs.randint(0, 2**32, size=2, dtype=np.uint32))})
        ops.append({"op": "permutation", "n": 33, "values": ints(rs.permutation(33))})
        ops.append({"op": "randomSample", "size": 3, "values": [float(v) for v in rs.random_sample(3)]})
        ops.append({"op": "choice", "n": 9, "size": 2, "values": ints(rs.choice(9, size=2, replace=False))})
        ops.append({"op": "randint", "low": 0, "high": 2**40, "size": 3, "values": ints(rs.randint(0, 2**40, size=3))})
        ops.append({"op": "permutation", "n": 700, "values": ints(rs.permutation(700))})
        ops.append({"op": "uint32", "size": 5, "values": ints(rs.randint(0, 2**32, size=5, dtype=np.uint32))})
        seqs.append({"seed": s, "ops": ops})
    out["sequences"] = seqs

    errors = []
    for seed in [-1, 2**32, 2**40]:
        try:
            np.random.RandomState(seed)
            raise AssertionError("no error")
        except ValueError as e:
            errors.append({"seed": seed, "message": str(e)})
    out["seedErrors"] = errors

    call_errors = []
    rs = np.random.RandomState(0)
    for low, high in [(5, 5), (5, 4)]:
        try:
            rs.randint(low, high)
            raise AssertionError("no error")
        except ValueError as e:
            call_errors.append({"op": "randint", "low": low, "high": high, "message": str(e)})
    try:
        rs.choice(5, size=6, replace=False)
        raise AssertionError("no error")
    except ValueError as e:
        call_errors.append({"op": "choice", "n": 5, "size": 6, "message": str(e)})
    out["callErrors"] = call_errors
    return out


# ---------------------------------------------------------------------------------------------------------------
# _approximate_mode

def approximate_mode_cases():
    cases = []

    def add(counts, n_draws, seed):
        rs = np.random.RandomState(seed)
        result = _approximate_mode(np.asarray(counts, dtype=np.int64), n_draws, rs)
        nxt = int(rs.randint(0, 2**32, dtype=np.uint32))
        cases.append({"classCounts": list(counts), "nDraws": n_draws, "seed": seed, "result": ints(result), "nextUint32": nxt})

    # the docstring's examples
    add([4, 2], 3, 0)
    add([5, 2], 4, 0)
    add([2, 2, 2, 1], 2, 0)
    add([2, 2, 2, 1], 2, 42)
    # ties everywhere
    for seed in [0, 1, 42, 2**32 - 1]:
        add([3, 3, 3, 3], 6, seed)
        add([3, 3, 3, 3], 2, seed)
        add([5] * 10, 25, seed)
        add([5] * 10, 13, seed)
        add([1, 1, 1, 1, 1, 1, 1], 3, seed)
        add([0, 4, 0, 4, 4], 6, seed)
        add([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 1347, seed)
        add([178, 182, 177, 183, 181, 182, 181, 179, 174, 180], 450, seed)
    # random counts and draws
    gen = np.random.RandomState(2024)
    for i in range(120):
        k = int(gen.randint(1, 12))
        counts = [int(c) for c in gen.randint(0, 9, size=k)]
        if sum(counts) == 0:
            counts[0] = 1
        n_draws = int(gen.randint(1, sum(counts) + 1))
        add(counts, n_draws, int(gen.randint(0, 2**32, dtype=np.uint32)))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# train_test_split

def shuffled(counts, seed):
    """A label vector with these class counts (class c repeated counts[c] times), shuffled."""
    y = np.repeat(np.arange(len(counts)), counts)
    return np.random.RandomState(seed).permutation(y)


def label_sets(digits):
    return {
        "digits": digits,
        "balanced10": np.arange(10) % 2,
        "tied12": np.arange(12) % 4,
        "balanced17": np.arange(17) % 3,
        "imbalanced17": shuffled([11, 4, 2], 3),
        "random50": np.random.RandomState(11).randint(0, 4, size=50),
        "imbalanced50": shuffled([40, 6, 2, 2], 5),
        "labels50": np.array([-7, 3, 1000, 3, -7])[np.random.RandomState(2).randint(0, 5, size=50)],
        "tied30": np.repeat(np.arange(10), 3)[::-1].copy(),
        "balanced1000": np.arange(1000) % 10,
        "random1000": np.random.RandomState(12).randint(0, 10, size=1000),
        "imbalanced1000": shuffled([700, 200, 60, 30, 8, 2], 13),
        "singleton10": np.array([0, 0, 1, 1, 2, 0, 1, 0, 1, 0]),
    }


def run_split(n, labels, test_size=None, train_size=None, random_state=None, shuffle=True, stratify=None):
    case = {"n": n}
    if test_size is not None:
        case["testSize"] = test_size
    if train_size is not None:
        case["trainSize"] = train_size
    if random_state is not None:
        case["randomState"] = random_state
    if not shuffle:
        case["shuffle"] = False
    if stratify is not None:
        case["stratify"] = stratify
    y = None if stratify is None else labels[stratify]
    try:
        tr, te = train_test_split(
            np.arange(n), test_size=test_size, train_size=train_size, random_state=random_state, shuffle=shuffle, stratify=y
        )
        case["train"] = ints(tr)
        case["test"] = ints(te)
    except ValueError as e:
        case["error"] = str(e)
    return case


def split_cases(labels):
    cases = []
    by_n = {}
    for name, y in labels.items():
        if name != "singleton10":
            by_n.setdefault(len(y), []).append(name)
    for n in [10, 12, 17, 30, 50, 1000, 1797]:
        strat_sets = by_n.get(n, [])
        big = n >= 1000
        for seed in SEEDS:
            for ts in TEST_SIZES:
                # not stratified: every seed and size for small n, a subset for big n
                if not big or seed in (0, 42, 2**32 - 1):
                    cases.append(run_split(n, labels, test_size=ts, random_state=seed))
                for name in strat_sets:
                    if name == "digits" or not big or seed in (0, 2**32 - 1):
                        cases.append(run_split(n, labels, test_size=ts, random_state=seed, stratify=name))
    # the default test_size (0.25), the notebook's own call, train_size alone and with test_size
    for seed in [0, 42]:
        cases.append(run_split(1797, labels, random_state=seed))
        cases.append(run_split(1797, labels, random_state=seed, stratify="digits"))
        cases.append(run_split(1797, labels, train_size=0.6, random_state=seed, stratify="digits"))
        cases.append(run_split(1797, labels, train_size=0.5, test_size=0.25, random_state=seed, stratify="digits"))
        cases.append(run_split(1000, labels, train_size=100, random_state=seed))
        cases.append(run_split(1000, labels, train_size=0.3, test_size=0.2, random_state=seed))
        cases.append(run_split(50, labels, train_size=10, test_size=5, random_state=seed, stratify="random50"))
        cases.append(run_split(30, labels, train_size=0.34, test_size=0.33, random_state=seed, stratify="tied30"))
        cases.append(run_split(17, labels, train_size=7, test_size=0.5, random_state=seed))
    # shuffle=False: the first n_train indices, then the next n_test, and random_state is never looked at
    cases.append(run_split(10, labels, shuffle=False))
    cases.append(run_split(17, labels, test_size=0.33, shuffle=False, random_state=-5))
    cases.append(run_split(1797, labels, test_size=0.25, shuffle=False))
    cases.append(run_split(1000, labels, train_size=0.5, test_size=100, shuffle=False))
    return cases


def error_cases(labels):
    """One case per error train_test_split raises (the kind of error is the key, the message is scikit-learn's)."""
    spec = [
        ("testSizeFloatHigh", dict(n=10, test_size=1.5, random_state=0)),
        ("testSizeFloatNegative", dict(n=10, test_size=-0.25, random_state=0)),
        ("testSizeTinyNegative", dict(n=10, test_size=-1e-05, random_state=0)),
        ("testSizeIntTooBig", dict(n=10, test_size=10, random_state=0)),
        ("testSizeIntZero", dict(n=10, test_size=0, random_state=0)),
        ("testSizeIntNegative", dict(n=10, test_size=-3, random_state=0)),
        ("trainSizeFloatHigh", dict(n=10, train_size=1.5, random_state=0)),
        ("trainSizeIntTooBig", dict(n=10, train_size=11, random_state=0)),
        ("trainSizeIntZero", dict(n=10, train_size=0, random_state=0)),
        ("floatSumAboveOne", dict(n=10, test_size=0.6, train_size=0.5, random_state=0)),
        ("intSumAboveN", dict(n=10, test_size=6, train_size=5, random_state=0)),
        ("mixedSumAboveN", dict(n=10, test_size=0.5, train_size=6, random_state=0)),
        ("emptySamples", dict(n=0, random_state=0)),
        ("emptyTrain", dict(n=1, random_state=0)),
        ("stratifyLength", dict(n=10, stratify="balanced17", random_state=0)),
        ("stratifyEmpty", dict(n=10, stratify="empty", random_state=0)),
        ("leastPopulatedClass", dict(n=10, stratify="singleton10", random_state=0)),
        ("testSmallerThanClasses", dict(n=1797, test_size=5, stratify="digits", random_state=0)),
        ("trainSmallerThanClasses", dict(n=1797, train_size=9, test_size=0.5, stratify="digits", random_state=0)),
        ("seedNegative", dict(n=10, random_state=-1)),
        ("seedTooBig", dict(n=10, random_state=2**32)),
        ("seedNotInteger", dict(n=10, random_state=1.5)),
        ("stratifyWithoutShuffle", dict(n=10, stratify="balanced10", shuffle=False, random_state=0)),
        # which error comes first: sizes, then stratify, then the seed
        ("orderSizeBeforeStratify", dict(n=10, test_size=10, stratify="singleton10", random_state=-1)),
        ("orderStratifyBeforeSeed", dict(n=10, stratify="singleton10", random_state=-1)),
        ("orderClassesBeforeSeed", dict(n=1797, test_size=5, stratify="digits", random_state=1.5)),
    ]
    labels = dict(labels, empty=np.array([], dtype=np.int64))
    out = []
    for kind, kw in spec:
        n = kw.pop("n")
        case = run_split(n, labels, **kw)
        assert "error" in case, kind
        case["kind"] = kind
        out.append(case)
    # trainTestSplit(X, y): X and y of different lengths
    try:
        train_test_split(np.zeros((10, 2)), np.zeros(9), test_size=0.25, random_state=0)
        raise AssertionError("no error")
    except ValueError as e:
        out.append({"kind": "xyLength", "xRows": 10, "yLength": 9, "error": str(e)})
    return out


def main():
    digits = digits_labels()
    assert digits.shape == (1797,), digits.shape
    labels = label_sets(digits)
    data = {
        "about": "Made by test/golden/make_split_cases.py with /usr/bin/python3; do not edit by hand.",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__},
        "randomState": random_state_cases(),
        "approximateMode": approximate_mode_cases(),
        "labels": {name: ints(y) for name, y in labels.items()},
        "split": split_cases(labels),
        "errors": error_cases(labels),
    }
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    n_ok = sum("error" not in c for c in data["split"])
    print(
        f"wrote {os.path.relpath(OUT, ROOT)}: {os.path.getsize(OUT)} bytes, {len(data['split'])} split cases "
        f"({n_ok} splits, {len(data['split']) - n_ok} errors), {len(data['errors'])} error cases, "
        f"{len(data['approximateMode'])} _approximate_mode cases"
    )


if __name__ == "__main__":
    main()
