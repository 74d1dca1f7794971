"""The Python side of `npm run bench` (bench/bench.ts): reads one JSON request a line on stdin, answers one JSON
line on stdout, so Python's start-up and imports are never timed.

Requests:
  {"op": "setup", "csv": path, "train_idx": [...], "test_idx": [...]}
      load the digits (the original's section 2) and fit scikit-learn's model on the bench's split; answers the
      versions.
  {"op": "layer", "name": str, "w": path, "b": path, "x": path, "out": int, "in": int, "batch": int}
      load a layer of the scaling sweep: raw little-endian float32 files written by the bench (the same weights
      and inputs as its own kernels); timed as "layer:<name>", `X @ W.T + b` in float32.
  {"op": "drop", "name": str}                      forget a layer
  {"op": "time", "what": str, "runs": int, "warmup": int, "threads": int | null}
      time "fit", "predict", "numpy" (the digits) or "layer:<name>" with time.perf_counter(); "threads" limits
      BLAS's threads for that call (threadpoolctl, which scikit-learn brings), null leaves them as they are.
  {"op": "quit"}
"""
import gzip
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

try:
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None


def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def versions():
    return {
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "threadpoolctl": threadpool_limits is not None,
    }


def setup(req, run):
    with gzip.open(req["csv"], "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    X = data[:, :-1].astype(np.float32) / 16.0  # the original's section 2
    y = data[:, -1].astype(int)
    Xtr, Xte, ytr = X[req["train_idx"]], X[req["test_idx"]], y[req["train_idx"]]
    make = lambda: LogisticRegression(max_iter=200, solver="lbfgs", multi_class="ovr", n_jobs=1)
    clf = make().fit(Xtr, ytr)
    W, b = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
    run["fit"] = lambda: make().fit(Xtr, ytr)
    run["predict"] = lambda: clf.predict(Xte)
    run["numpy"] = lambda: (Xte @ W.T + b).argmax(axis=1)


def load_layer(req, run):
    k, d, n = req["out"], req["in"], req["batch"]
    W = np.fromfile(req["w"], dtype="<f4").reshape(k, d)
    b = np.fromfile(req["b"], dtype="<f4").reshape(k)
    X = np.fromfile(req["x"], dtype="<f4").reshape(n, d)
    run["layer:" + req["name"]] = lambda: X @ W.T + b


def time_it(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def main():
    run = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "setup":
                setup(req, run)
                answer({"versions": versions()})
            elif op == "layer":
                load_layer(req, run)
                answer({"loaded": req["name"]})
            elif op == "drop":
                run.pop("layer:" + req["name"], None)
                answer({"dropped": req["name"]})
            elif op == "time":
                fn = run[req["what"]]
                threads = req.get("threads")
                if threads is not None and threadpool_limits is not None:
                    with threadpool_limits(limits=threads):
                        ms = time_it(fn, req["runs"], req["warmup"])
                else:
                    ms = time_it(fn, req["runs"], req["warmup"])
                answer({"ms": ms})
            elif op == "quit":
                answer({"bye": True})
                break
            else:
                answer({"error": "unknown op " + op})
        except Exception as e:
            answer({"error": "%s: %s" % (type(e).__name__, e)})


if __name__ == "__main__":
    main()
