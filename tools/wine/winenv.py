"""Run Windows CPython under Wine, headless: Xvfb + wineserver up, programs with pipes, everything down.

Linux side only (stdlib). Used by tests/wine, bench/bench_wine_driver.py, tools/wine/run.sh and
tools/wine/ci.sh. The Wine setup itself is tools/wine/setup.sh (``ensure_setup()`` calls it).

    with WineSession() as wine:
        result = wine.python("tools/wine/smoke.py", timeout=60)     # CompletedProcess, text
        proc = wine.spawn_python("tools/wine/standin/xiadan.py", "--db", db)   # background, drained

Quirks handled here (docs/wine.md): python.exe under Wine 8 dies in init_sys_streams when its std
streams are files or /dev/null, so every Windows program gets pipes on all three; Wine's services are
started with no pipe attached first; every run is bounded; one session per WINEPREFIX at a time (a
lock file), since ``wineserver -k`` at the end kills everything in that prefix.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TOOLS = Path(__file__).resolve().parent


def project_src() -> Path:
    """The ``src`` the Windows side imports: the repo's, or ``$ASHARE_WINE_SRC`` (e.g. an export of
    another commit's src/, to show that a Wine test fails on the adapter before a fix)."""
    return Path(os.environ.get("ASHARE_WINE_SRC") or REPO / "src").resolve()


def wine_home() -> Path:
    return Path(os.environ.get("ASHARE_WINE_HOME") or REPO / ".wine")


def winpath(path: str | os.PathLike[str]) -> str:
    """A Linux absolute path as Wine sees it through its Z: drive."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def ensure_setup(timeout: float = 900) -> Path:
    """Run tools/wine/setup.sh (idempotent; well under a second when already done); return the cache dir."""
    subprocess.run(["bash", str(TOOLS / "setup.sh")], check=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return wine_home()


def missing_host_tools() -> list[str]:
    return [tool for tool in ("wine", "wineserver", "Xvfb") if shutil.which(tool) is None]


_PR_SET_CHILD_SUBREAPER = 36


def _set_subreaper(on: bool) -> None:
    """Adopt the processes Wine daemonises (wineserver, services.exe, ...) while a session runs, so that
    they can be reaped at the end; in a container whose PID 1 never reaps they would stay zombies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


def _reap_wine_orphans() -> None:
    """waitpid() the zombie Wine processes we adopted (never a child some other code is waiting on)."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" or int(fields[1]) != me:
            continue
        if comm.endswith(".exe") or comm.startswith(("wine", "Xvfb")):
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(int(entry.name), os.WNOHANG)


class _Drain(threading.Thread):
    """Reads a pipe to the end so the Windows program never blocks on a full pipe; keeps the text."""

    def __init__(self, stream, sink: Path | None, echo: bool = False) -> None:
        super().__init__(daemon=True)
        self.stream, self.sink, self.echo = stream, sink, echo
        self.chunks: list[bytes] = []

    def run(self) -> None:
        out = self.sink.open("ab") if self.sink else None
        try:
            for line in iter(self.stream.readline, b""):
                self.chunks.append(line)
                if out:
                    out.write(line)
                    out.flush()
                if self.echo:
                    sys.stderr.write(line.decode("utf-8", "replace"))
        finally:
            if out:
                out.close()

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")


class WinProcess:
    """A background Windows program with its output drained to a log file."""

    def __init__(self, popen: subprocess.Popen, log: Path | None, echo: bool = False) -> None:
        self.popen = popen
        self.log = log
        self._out = _Drain(popen.stdout, log, echo)
        self._out.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def output(self) -> str:
        return self._out.text

    def poll(self) -> int | None:
        return self.popen.poll()

    def wait(self, timeout: float | None = None) -> int:
        rc = self.popen.wait(timeout)
        self._out.join(timeout=5)
        return rc

    def terminate(self, timeout: float = 5) -> None:
        """Ask the Windows program to go (closing its stdin first), then kill its Wine-side process."""
        if self.popen.poll() is None:
            with contextlib.suppress(Exception):
                self.popen.stdin.close()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.popen.wait(timeout=timeout)
        self._out.join(timeout=2)


class WineSession:
    """Xvfb + wineserver for one WINEPREFIX, torn down on exit (also on errors and Ctrl+C)."""

    def __init__(
        self,
        home: Path | None = None,
        *,
        log_dir: Path | None = None,
        echo: bool = False,
        extra_syspath: Sequence[Path] = (),
    ) -> None:
        self.home = Path(home) if home else wine_home()
        self.python_exe = self.home / "python" / "python.exe"
        self.prefix = self.home / "prefix"
        self.log_dir = log_dir
        self.pycache = winpath(self.home / "pycache")
        self.echo = echo
        syspath = [project_src(), TOOLS, *extra_syspath]
        self.env = dict(os.environ)
        self.env.update(
            WINEPREFIX=str(self.prefix),
            WINEARCH="win64",
            WINEDEBUG=os.environ.get("ASHARE_WINEDEBUG", "-all"),
            WINEDLLOVERRIDES="mscoree,mshtml=",
            ASHARE_WIN_SYSPATH=";".join(winpath(p) for p in syspath),
            PYTHONUTF8="1",
            PYTHONIOENCODING="utf-8",
        )
        for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            self.env.pop(var, None)
        self._xvfb: subprocess.Popen | None = None
        self._lock = None
        self._children: list[WinProcess] = []
        self.started_at = 0.0

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> WineSession:
        if not self.python_exe.exists():
            raise RuntimeError(f"{self.python_exe} missing: run tools/wine/setup.sh first")
        self.home.mkdir(parents=True, exist_ok=True)
        self._lock = (self.home / "session.lock").open("w")
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError("another Wine session holds the prefix for 10 minutes") from None
                time.sleep(0.2)
        try:
            self.started_at = time.monotonic()
            _set_subreaper(True)
            self._start_xvfb()
            # Wine's services first, with no pipe attached (else they hold our pipes open).
            self._quiet(["wineserver", "-p", "600"], timeout=60)
            self._quiet(["wine", "cmd", "/c", "exit"], timeout=120)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for child in self._children:
            if child.poll() is None:
                with contextlib.suppress(Exception):
                    child.popen.kill()
        if self.prefix.exists():
            with contextlib.suppress(Exception):
                self._quiet(["wineserver", "-k"], timeout=20)
            with contextlib.suppress(Exception):
                self._quiet(["wineserver", "-w"], timeout=20)
        for child in self._children:
            with contextlib.suppress(Exception):
                child.wait(timeout=5)
        self._children.clear()
        if self._xvfb is not None:
            self._xvfb.terminate()
            try:
                self._xvfb.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._xvfb.kill()
                self._xvfb.wait(timeout=5)
            self._xvfb = None
            with contextlib.suppress(OSError):
                (self.home / "xvfb.pid").unlink()
        _reap_wine_orphans()
        _set_subreaper(False)
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def _start_xvfb(self) -> None:
        for n in range(90, 141):
            if Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists():
                continue
            proc = subprocess.Popen(
                ["Xvfb", f":{n}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and proc.poll() is None:
                if Path(f"/tmp/.X11-unix/X{n}").is_socket():
                    self._xvfb = proc
                    self.env["DISPLAY"] = f":{n}"
                    # For tools/wine/ci.sh: the Xvfb to kill if this process itself is killed.
                    (self.home / "xvfb.pid").write_text(str(proc.pid))
                    return
                time.sleep(0.02)
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        raise RuntimeError("could not start Xvfb on any display :90..:140")

    def _quiet(self, args: list[str], timeout: float) -> int:
        return subprocess.run(
            args,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        ).returncode

    # --- running Windows programs ------------------------------------------------------------------
    def _python_args(self, script: str | os.PathLike[str], args: Sequence[str]) -> list[str]:
        target = ["-m", str(script)[3:]] if str(script).startswith("-m:") else [winpath(script)]
        return [
            "wine",
            str(self.python_exe),
            "-X",
            "utf8",
            "-X",
            f"pycache_prefix={self.pycache}",
            "-u",
            *target,
            *map(str, args),
        ]

    def python(
        self, script: str | os.PathLike[str], *args: str, timeout: float = 120, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a Windows-Python script to its end (pipes on all three streams); raise on timeout."""
        return self.run(self._python_args(script, args), timeout=timeout, input=input)

    def run(
        self, argv: Sequence[str], *, timeout: float = 120, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a Windows program to its end. Its output is read until it exits (plus a short grace),
        not until EOF: programs it started (e.g. the client, via the driver) inherit the pipes under
        Wine and would otherwise keep them open for ever."""
        proc = subprocess.Popen(
            list(argv),
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        out, err = _Drain(proc.stdout, None), _Drain(proc.stderr, None)
        out.start()
        err.start()
        try:
            if input is not None:
                proc.stdin.write(input.encode())
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            out.join(1)
            err.join(1)
            raise subprocess.TimeoutExpired(
                list(argv), timeout, out.text.encode(), err.text.encode()
            ) from None
        out.join(2)
        err.join(2)
        return subprocess.CompletedProcess(list(argv), proc.returncode, out.text, err.text)

    def spawn_python(
        self,
        script: str | os.PathLike[str],
        *args: str,
        log_name: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> WinProcess:
        """Start a Windows-Python program in the background; stdout+stderr go to a drained log."""
        return self.spawn(self._python_args(script, args), log_name=log_name, extra_env=extra_env)

    def spawn(
        self, argv: Sequence[str], *, log_name: str | None = None, extra_env: dict[str, str] | None = None
    ) -> WinProcess:
        env = {**self.env, **(extra_env or {})}
        popen = subprocess.Popen(
            list(argv),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log = None
        if self.log_dir and log_name:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log = self.log_dir / log_name
        child = WinProcess(popen, log, self.echo)
        self._children.append(child)
        return child


@contextlib.contextmanager
def session(**kwargs) -> Iterator[WineSession]:
    ensure_setup()
    with WineSession(**kwargs) as wine:
        yield wine


def main(argv: Sequence[str] | None = None) -> int:
    """``winenv.py SCRIPT [ARGS...]``: set up if needed, run SCRIPT in Windows Python, print its output."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--no-setup", action="store_true")
    parser.add_argument("script", help="a .py file, or -m:module.name")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    if not ns.no_setup:
        ensure_setup()
    with WineSession() as wine:
        try:
            result = wine.python(ns.script, *ns.args, timeout=ns.timeout)
        except subprocess.TimeoutExpired as exc:
            sys.stdout.write((exc.stdout or b"").decode("utf-8", "replace"))
            sys.stderr.write((exc.stderr or b"").decode("utf-8", "replace"))
            sys.stderr.write(f"\n[winenv] timed out after {ns.timeout:g}s\n")
            return 124
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
