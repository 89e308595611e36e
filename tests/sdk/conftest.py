"""Contract tests: the cloud's official Python SDKs against a running `meridian serve`.

The server is started on a free loopback port and stopped by its PID (SIGTERM) after the session.
"""
import os
import pathlib
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(os.environ.get("MERIDIAN_BIN", ROOT / ".build" / "debug" / "meridian"))
REGION = "cn-hangzhou"
AK, SK = "testAK", "testSecret"
OTHER_AK, OTHER_SK = "otherAK", "otherSecret"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args, env=None):
        self.port = free_port()
        self.endpoint = f"127.0.0.1:{self.port}"
        self.args = [str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(self.port), *args]
        self.log = open(ROOT / ".build" / f"sdk-server-{self.port}.log", "wb")
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self.log, env=env)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://{self.endpoint}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"meridian serve exited with {self.process.returncode}; see {self.log.name}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("meridian serve did not answer /health within 30 s")
            time.sleep(0.1)

    def stop(self, timeout=15):
        """Stops the server by PID with SIGTERM and returns its exit code."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture(scope="session")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: build it first (swift build --product meridian)")
    s = Server("--db", ":memory:", "--access-key", f"{AK}:{SK}", "--access-key", f"{OTHER_AK}:{OTHER_SK}")
    yield s
    code = s.stop()
    assert code == 0, f"meridian serve exited with {code} after SIGTERM"


@pytest.fixture
def start_server():
    started = []

    def start(*args, env=None):
        s = Server(*args, env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
