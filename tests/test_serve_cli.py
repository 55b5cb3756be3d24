"""``daeyeok serve`` as a translator runs it: a real process, Ctrl-C, a taken port, --host 0.0.0.0."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from serve_helpers import WAIT


def start(site: Path, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "daeyeok", "serve", "--site", str(site), "--no-cache", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_line(proc: subprocess.Popen[str], needle: str) -> list[str]:
    assert proc.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} not printed; got {lines}")


def test_serve_prints_the_address_serves_and_stops_cleanly_on_ctrl_c(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    proc = start(site, "--port", "0")
    try:
        lines = wait_for_line(proc, "serving ")
        url = lines[-1].split(" at ")[1].split(" ")[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "ko/a/", timeout=WAIT) as response:
            assert "가 페이지" in response.read().decode("utf-8")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err
    assert "stopping" in err


def test_port_in_use_is_one_diagnostic_and_exit_1(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        proc = start(site, "--port", str(port))
        _, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 1
    assert err.strip().splitlines() == [
        f"--port:0:0: error serve: 127.0.0.1:{port} is already in use (another `daeyeok serve`?); stop it or choose another port with --port"
    ]


def test_all_interfaces_warns(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    proc = start(site, "--host", "0.0.0.0", "--port", "0")
    try:
        lines = wait_for_line(proc, "serving ")
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
    assert lines[0] == "--host:0:0: warning serve: listening on all interfaces (0.0.0.0): anyone on your network can read this preview"
    assert proc.returncode == 0


def test_not_a_site_is_an_error_without_traceback(tmp_path: Path) -> None:
    proc = start(tmp_path, "--port", "0")
    _, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 1
    assert "Traceback" not in err
    assert err.strip().endswith("is this a daeyeok site? (use --site DIR)")
