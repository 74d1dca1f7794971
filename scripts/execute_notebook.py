"""
Runs a notebook headless, cell by cell, on a Jupyter kernel, and writes the executed notebook and its HTML export.
Started by scripts/execute-notebook.ts (`npm start`, the tests) with the Python that has Debian's Jupyter.

It is `jupyter nbconvert --execute` (nbclient underneath) plus what a run under faults needs:

- The first failing cell stops the run; it is named, and every code cell after it is marked as not run (no
  execution count, no output, `metadata.headless_run`), since the kernel would not have run it either.
- A cell still running after --timeout seconds, a kernel that dies, SIGINT / SIGTERM / SIGHUP, or the parent
  process going away: the cell is named, what ran is written, and the kernel is stopped (its whole process group)
  and its connection file removed, on every one of these paths.
- The executed notebook and the HTML are written under temporary names in the output folder, then renamed, so
  two runs at once never read each other's half-written files.
- The HTML needs nothing from the machine that made it: RequireJS is inlined, MathJax loaded from its public CDN
  only when the notebook has math (Debian's nbconvert points at file:///usr/share/javascript/ for both).

The result is written as JSON to --result; progress goes to stderr. Exit status: 0 all cells ran, 1 a cell failed
(or timed out, or the kernel died), 3 the kernel did not start, 4 the outputs could not be written,
128 + n stopped by signal n.
"""
import argparse
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import unquote, urlparse

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offline.html.j2")
MATHJAX_CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"
# $…$, $$…$$, \(…\), \[…\] or an environment, as MathJax's tex2jax finds them in markdown.
MATH = re.compile(r"\$\$|\\\(|\\\[|\\begin\{|(?<![\\$\w])\$(?=\S)[^$\n]*?\S\$(?!\w)")


class Stop(BaseException):
    """Raised in the main thread by a signal (or by the parent watch): unwinds to the cleanup."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why
        self.signum = signal.SIGTERM


_stopping = False
_parent_gone = False


def _on_signal(signum, _frame):
    global _stopping
    if _stopping:  # one stop is enough; the cleanup is already under way
        return
    _stopping = True
    stop = Stop("its parent process exited" if _parent_gone else f"stopped by {signal.Signals(signum).name}")
    stop.signum = signum
    raise stop


def _watch_parent(parent_pid: int) -> None:
    """When the process that started us is gone (killed, say), stop as if by SIGTERM: the kernel must not outlive it."""
    global _parent_gone
    while True:
        time.sleep(0.2)
        if os.getppid() != parent_pid:
            _parent_gone = True
            os.kill(os.getpid(), signal.SIGTERM)
            return


def progress(enabled: bool, text: str) -> None:
    if not enabled:
        return
    try:
        print(text, file=sys.stderr, flush=True)
    except OSError:
        pass  # stderr may be a pipe to a parent that is gone; the run still cleans up


def source_of(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def sections(nb) -> list:
    """For each cell, the nearest markdown heading above it."""
    out, current = [], "(top of the notebook)"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = next((l.strip() for l in source_of(cell).split("\n") if l.startswith("#")), None)
            if heading:
                current = heading
        out.append(current)
    return out


# Stack frames of the kernel's own machinery (tslab, node:vm), which say nothing about the cell.
KERNEL_FRAME = re.compile(r"^\s+at .*(node:vm|node_modules/tslab/|sigintHandlersWrap|runInThisContext)")


def cell_error_text(cell) -> str:
    """What the cell showed as its error: `ename: evalue` outputs, then stderr (tslab reports errors on stderr)."""
    texts = [f"{o.get('ename', 'Error')}: {o.get('evalue', '')}" for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            text = o.get("text", "")
            lines = ("".join(text) if isinstance(text, list) else text).strip().split("\n")
            texts.append("\n".join(l for l in lines if not KERNEL_FRAME.match(l)).strip())
    return "\n".join(t for t in texts if t)


def kernel_process(client):
    prov = getattr(client.km, "provisioner", None) if client.km is not None else None
    return getattr(prov, "process", None), getattr(prov, "pgid", None)


def stop_kernel(client, runtime_dir: str) -> bool:
    """Stops the kernel's process group (SIGTERM, then SIGKILL after 2 s) and removes its connection file."""
    stopped = True
    if client.kc is not None:
        try:
            client.kc.stop_channels()
        except Exception:
            pass
    if client.km is not None:
        proc, pgid = kernel_process(client)
        if proc is not None and proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
                try:
                    if pgid:
                        os.killpg(pgid, sig)
                    else:
                        proc.send_signal(sig)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            stopped = proc.poll() is not None
        elif proc is not None and pgid:
            try:  # the kernel is gone; anything it started in its group goes too
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for f in (client.km.connection_file, os.path.join(runtime_dir, "kernel.pid"), os.path.join(runtime_dir, "kernel.log")):
            try:
                if f:
                    os.remove(f)
            except FileNotFoundError:
                pass
    return stopped


def write_atomically(path: str, text: str) -> None:
    """Writes `path` through a temporary file in the same folder and a rename: readers see the old or the new file."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


def offline_resources(nb) -> dict:
    """What the offline template needs: RequireJS's source (or a web address for it) and MathJax's address if any."""
    from nbconvert import HTMLExporter

    res = {"offline_require_js": "", "offline_require_js_url": "", "offline_mathjax_url": ""}
    url = HTMLExporter().require_js_url
    if url.startswith("file://"):
        try:
            with open(unquote(urlparse(url).path), encoding="utf-8") as f:
                # Inline: a "</script" inside the code would end the element early.
                res["offline_require_js"] = re.sub(r"</(script)", r"<\\/\1", f.read(), flags=re.IGNORECASE)
        except OSError:
            pass  # no local copy: nothing on the page needs RequireJS unless a front end adds it
    elif url:
        res["offline_require_js_url"] = url
    has_math = any(
        (c.cell_type == "markdown" and MATH.search(source_of(c)))
        or any("text/latex" in o.get("data", {}) for o in c.get("outputs", []))
        for c in nb.cells
    )
    if has_math:
        res["offline_mathjax_url"] = MATHJAX_CDN
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().split("\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--executed", required=True)
    ap.add_argument("--html", required=True)
    ap.add_argument("--result", required=True)
    ap.add_argument("--runtime-dir", required=True)
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--parent-pid", type=int, default=os.getppid())
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args()

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, _on_signal)
    threading.Thread(target=_watch_parent, args=(args.parent_pid,), daemon=True).start()

    t0 = time.monotonic()
    result = {"executed": args.executed, "html": args.html, "failures": [], "notRun": [], "ran": 0, "kernelStopped": True}
    status = 0

    def finish() -> int:
        result["seconds"] = time.monotonic() - t0
        with open(args.result, "w", encoding="utf-8") as f:
            json.dump(result, f)
        return status

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as e:  # not JSON, not a notebook, unreadable: one line, not a traceback
        result["notebookError"] = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
        status = 2
        return finish()
    heading = sections(nb)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and source_of(c).strip()]
    client = NotebookClient(
        nb,
        timeout=max(1, math.ceil(args.timeout)),
        startup_timeout=max(1, math.ceil(args.startup_timeout)),
        shell_timeout_interval=1,  # how often the time limit and the kernel's life are looked at (default 5 s)
        kernel_name=args.kernel,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )

    def fail(index: int, kind: str, error: str) -> None:
        cell_src = source_of(nb.cells[index]) if index >= 0 else ""
        result["failures"].append({
            "index": index,
            "kind": kind,
            "section": heading[index] if index >= 0 else "(kernel start)",
            "firstLine": cell_src.split("\n")[0],
            "error": error,
        })

    current = -1
    try:
        try:
            client.km = client.create_kernel_manager()
            client.km.connection_file = os.path.join(args.runtime_dir, f"kernel-{secrets.token_hex(6)}.json")
            progress(args.progress, f"Starting the {args.kernel} kernel …")
            # The kernel's own stdout/stderr go to a log, not to our pipes: a reader of those (npm start, a test)
            # must never wait on a pipe held open by the kernel.
            kernel_log = open(os.path.join(args.runtime_dir, "kernel.log"), "wb")
            client.start_new_kernel(stdout=kernel_log, stderr=kernel_log)
            proc, pgid = kernel_process(client)
            if proc is not None:
                with open(os.path.join(args.runtime_dir, "kernel.pid"), "w") as f:
                    f.write(f"{proc.pid} {pgid or proc.pid}\n")
            client.start_new_kernel_client()
        except Stop:
            raise
        except Exception as e:
            said = ""
            try:
                with open(os.path.join(args.runtime_dir, "kernel.log"), encoding="utf-8", errors="replace") as f:
                    said = f.read().strip()[-2000:]
            except OSError:
                pass
            fail(-1, "kernel-start", f"the {args.kernel} kernel did not start: {str(e).strip() or type(e).__name__}" + (f"\nIt said:\n{said}" if said else ""))
            status = 3
        if status == 0:
            for count, index in enumerate(code_cells, start=1):
                current = index
                cell = nb.cells[index]
                progress(args.progress, f"[{count}/{len(code_cells)}] cell {index} ({heading[index]}): {source_of(cell).split(chr(10))[0][:60]}")
                try:
                    client.execute_cell(cell, index, execution_count=count)
                    result["ran"] = count
                except CellExecutionError:
                    fail(index, "error", cell_error_text(cell) or "the kernel reported an error")
                except CellTimeoutError:
                    cell["execution_count"] = count
                    fail(index, "timeout", f"still running after {args.timeout:g} s (the time limit of a cell); the kernel was stopped")
                except DeadKernelError:
                    cell["execution_count"] = count
                    fail(index, "dead-kernel", "the kernel died while running this cell (killed, or out of memory?)")
                if result["failures"]:
                    result["ran"] = count
                    status = 1
                    break
    except Stop as stop:
        if current >= 0:
            nb.cells[current]["execution_count"] = code_cells.index(current) + 1
            result["ran"] = code_cells.index(current) + 1
        fail(current, "interrupted", f"the run was {stop.why}" if _parent_gone else f"the run was {stop.why} while this cell ran")
        status = 128 + int(stop.signum)
    finally:
        # From here on, a second signal must not cut the cleanup short.
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        result["kernelStopped"] = stop_kernel(client, args.runtime_dir)

    if result["failures"]:
        failed = result["failures"][0]
        for index in code_cells:
            if index > failed["index"]:  # index -1 (the kernel did not start): every cell
                cell = nb.cells[index]
                cell["execution_count"] = None
                cell["outputs"] = []
                cell.setdefault("metadata", {})["headless_run"] = {
                    "status": "not run",
                    "reason": f"cell {failed['index']} {'failed' if failed['kind'] == 'error' else failed['kind']}" if failed["index"] >= 0 else "the kernel did not start",
                }
                result["notRun"].append(index)
    try:
        progress(args.progress, "Writing the executed notebook and its HTML export …")
        write_atomically(args.executed, nbformat.writes(nb))
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab", template_file=TEMPLATE)
        resources = {"metadata": {"name": os.path.splitext(os.path.basename(args.notebook))[0]}}
        resources.update(offline_resources(nb))
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        write_atomically(args.html, body)
    except OSError as e:
        result["writeError"] = f"cannot write {e.filename or args.executed}: {e.strerror or e}"
        if status == 0:
            status = 4
    if _parent_gone:
        # Nobody is left to read the result or remove the run's folder: remove it here.
        shutil.rmtree(args.runtime_dir, ignore_errors=True)
        return status
    return finish()


if __name__ == "__main__":
    sys.exit(main())
