"""A stand-in Jupyter kernel for a "TypeScript" kernel whose checkout is gone (issue 12, point 5).

kernel.json's `node -e` check starts it, with Jupyter's own Python, when the project's launcher is missing
(the checkout was moved or deleted). It speaks just enough of the Jupyter protocol for the notebook to show, as
the error of every cell, MESSAGE: what happened and the command that installs the kernel again. Without it, the
student sees "Kernel starting…" and then "Dead kernel", and the reason only in the server's log.

It needs only pyzmq and jupyter_client, which every Jupyter has. It is copied into the kernelspec folder at
install, so it is there when the checkout is not.

    python3 kernel-missing.py <connection file> <message>
"""
import json
import sys
import threading

import zmq
from jupyter_client.session import Session


def main(connection_file, message):
    with open(connection_file) as f:
        info = json.load(f)
    ctx = zmq.Context()

    def bind(kind, port):
        sock = ctx.socket(kind)
        sock.bind("%s://%s:%s" % (info["transport"], info["ip"], info[port]))
        return sock

    shell, control, _stdin = bind(zmq.ROUTER, "shell_port"), bind(zmq.ROUTER, "control_port"), bind(zmq.ROUTER, "stdin_port")
    iopub, heartbeat = bind(zmq.PUB, "iopub_port"), bind(zmq.REP, "hb_port")

    def echo():
        while True:
            heartbeat.send(heartbeat.recv())

    threading.Thread(target=echo, daemon=True).start()
    session = Session(key=info["key"].encode(), signature_scheme=info.get("signature_scheme", "hmac-sha256"), username="kernel")
    error = {"ename": "KernelNotInstalled", "evalue": message.strip(), "traceback": [message.strip()]}
    language = {"name": "typescript", "version": "", "mimetype": "text/typescript", "file_extension": ".ts"}
    replies = {
        "kernel_info_request": lambda c: {"status": "ok", "protocol_version": "5.3", "implementation": "tslab-missing",
                                          "implementation_version": "0", "language_info": language, "banner": message},
        "complete_request": lambda c: {"status": "ok", "matches": [], "cursor_start": c.get("cursor_pos", 0),
                                       "cursor_end": c.get("cursor_pos", 0), "metadata": {}},
        "inspect_request": lambda c: {"status": "ok", "found": False, "data": {}, "metadata": {}},
        "is_complete_request": lambda c: {"status": "unknown"},
        "comm_info_request": lambda c: {"status": "ok", "comms": {}},
        "history_request": lambda c: {"status": "ok", "history": []},
        "interrupt_request": lambda c: {"status": "ok"},
    }
    count = 0
    poller = zmq.Poller()
    poller.register(shell, zmq.POLLIN)
    poller.register(control, zmq.POLLIN)
    while True:
        for sock, _ in poller.poll():
            idents, msg = session.recv(sock)
            if msg is None:
                continue
            kind = msg["header"]["msg_type"]
            session.send(iopub, "status", {"execution_state": "busy"}, parent=msg)
            if kind == "execute_request":
                count += 1
                session.send(iopub, "error", error, parent=msg)
                session.send(sock, "execute_reply", dict(error, status="error", execution_count=count), parent=msg, ident=idents)
            elif kind == "shutdown_request":
                session.send(sock, "shutdown_reply", {"status": "ok", "restart": bool(msg["content"].get("restart"))}, parent=msg, ident=idents)
                session.send(iopub, "status", {"execution_state": "idle"}, parent=msg)
                return
            elif kind in replies:
                session.send(sock, kind.replace("_request", "_reply"), replies[kind](msg["content"]), parent=msg, ident=idents)
            session.send(iopub, "status", {"execution_state": "idle"}, parent=msg)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
