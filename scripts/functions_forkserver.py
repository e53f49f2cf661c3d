"""Python workers for the Functions emulator, forked from one process that has imported the
libraries already (the local stack only: tests, ``make dev``, bench; a deployment is not affected).

The Functions emulator starts a worker for a function by running ``functions-framework`` in
the functions' virtualenv: a new interpreter that imports Flask, functions-framework, the
Firebase and Google libraries and then the function's module, about a second of CPU before
the first request, paid again whenever the emulator starts another worker. With
``scripts/emulator-functions.cjs`` the emulator runs this file instead (``shim`` mode): a small
process that asks the fork server for a worker and lives exactly as long as it does.

- The fork server (``server`` mode) is started by the first shim. It imports every library
  ``main.py`` imports (found once by importing it in a child process), but neither ``main``
  nor the portal's own modules, and then forks a worker per shim.
- A worker is the fork server's child with the shim's environment, working directory, stdout
  and stderr (passed over a Unix socket), so the emulator sees its output and settings as it
  would a worker it started itself. It then runs what ``functions-framework`` runs: it imports
  ``main`` for its ``FUNCTION_TARGET`` (the portal's code as it is now, so a change is picked
  up by the next worker) and serves ``create_app``'s app with functions-framework's own
  threaded HTTP server, the one it uses in debug mode, without gunicorn's extra process.
- The worker ends when its shim ends (the emulator stopping it) and the shim ends when the
  worker does; the fork server ends with the emulator process that started the shims.

Forked workers share the libraries' memory with the fork server, so an idle worker costs a
fraction of a fresh one, and a function's cold start in the emulator costs the import of its
own module only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

MAX_MESSAGE = 1 << 20


def _socket_path() -> str:
    """One fork server per emulator process (its pid is in the workers' environment)."""
    owner = os.environ.get("FUNCTIONS_EMULATOR_PID", str(os.getppid()))
    return os.path.join(tempfile.gettempdir(), f"portal-functions-{os.getuid()}-{owner}.sock")


# --- shim: what the emulator runs --------------------------------------------------------


def _connect(path: str) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.connect(path)
    return conn


def _server_connection(path: str) -> socket.socket:
    """A connection to the fork server, started first when there is none yet."""
    try:
        return _connect(path)
    except OSError:
        pass
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # shims starting together start one server
        try:
            return _connect(path)
        except OSError:
            pass
        with open(path + ".log", "w") as log:  # the server's own output (the workers have theirs)
            server = subprocess.Popen(
                [sys.executable, os.path.abspath(__file__), "server", path],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                return _connect(path)
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the fork server did not start: see {path}.log") from None
                time.sleep(0.05)


def shim() -> None:
    conn = _server_connection(_socket_path())
    request = {"env": dict(os.environ), "cwd": os.getcwd()}
    socket.send_fds(conn, [json.dumps(request).encode()], [1, 2])
    while conn.recv(16):  # the worker's end closes when it exits
        pass


# --- the fork server ----------------------------------------------------------------------


def _libraries() -> list[str]:
    """The modules ``main.py`` imports with every function, in the order it imports them (a
    module imported before the one that imports it can load twice), other than the project's
    own (under the functions' directory, outside its virtualenv)."""
    code = """if True:
        import json, os, sys
        import main
        here, venv = os.getcwd() + os.sep, os.path.join(os.getcwd(), "venv") + os.sep
        def library(module):
            path = getattr(module, "__file__", None) or ""
            return not path.startswith(here) or path.startswith(venv)
        print(json.dumps([name for name, module in list(sys.modules.items()) if library(module)]))
    """
    env = {k: v for k, v in os.environ.items() if k != "FUNCTION_TARGET"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _preload() -> None:
    import gc
    import importlib

    for name in _libraries():
        if name not in sys.modules:
            # a module that only imports in its own context is left to the worker
            with contextlib.suppress(Exception):
                importlib.import_module(name)
    # What is loaded now is never collected: the workers' garbage collector leaves those objects
    # (and the memory pages they share with this process) alone.
    gc.collect()
    gc.freeze()


def server(path: str) -> None:
    watched = int(os.environ.get("FUNCTIONS_EMULATOR_PID", "0"))
    _preload()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(128)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    try:
        while True:
            ready, _, _ = select.select([listener], [], [], 1.0)
            if not ready:
                if watched and not _alive(watched):
                    return
                continue
            conn, _ = listener.accept()
            try:
                message, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 2)
                request = json.loads(message)
            except (OSError, ValueError):
                conn.close()
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:
                listener.close()
                _worker(conn, fds, request)  # never returns
            conn.close()
            for fd in fds:
                os.close(fd)
    finally:
        listener.close()
        for leftover in (path, path + ".lock", path + ".log"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _worker(conn: socket.socket, fds: list[int], request: dict) -> None:
    import logging
    import threading

    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in [devnull, *fds]:
            os.close(fd)
        sys.stdout.reconfigure(line_buffering=True)
        sys.stderr.reconfigure(line_buffering=True)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.path[0] = request["cwd"]

        def shim_gone() -> None:
            try:
                while conn.recv(16):
                    pass
            finally:
                os._exit(0)

        threading.Thread(target=shim_gone, daemon=True).start()
        sys.argv = ["functions-framework"]
        from functions_framework import create_app
        from functions_framework._http.flask import FlaskApplication

        env = os.environ
        app = create_app(env["FUNCTION_TARGET"], env.get("FUNCTION_SOURCE"), env.get("FUNCTION_SIGNATURE_TYPE", "http"))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request (gunicorn logs none)
        FlaskApplication(app, env.get("HOST", "127.0.0.1"), int(env["PORT"]), False).run()
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] == ["server"]:
        server(sys.argv[2])
    else:
        shim()
