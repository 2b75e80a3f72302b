"""Obol as an operator starts it: java -jar app/target/obol.jar with its settings in the environment, on the embedded
PostgreSQL in a temporary data directory, on free ports. The client is tested against this, not a mock of the contract.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from obol_client import Obol, ObolError

# The bootstrap admin key (admin scope); Obol wants at least 32 characters.
ADMIN_KEY = "obol_client_test_bootstrap_admin_key_0123456789"


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jar():
    here = os.path.dirname(os.path.abspath(__file__))
    jar = os.path.abspath(os.environ.get("OBOL_JAR") or os.path.join(here, "..", "..", "..", "app", "target", "obol.jar"))
    if not os.path.isfile(jar):
        raise RuntimeError(jar + " is missing: build app first (mvn -pl clients/python -am verify)")
    return jar


def _java():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java") or "java"


class RealObol:
    """Starts it and waits until it answers an authenticated call (the database is up and migrated)."""

    def __init__(self, timeout_seconds=120):
        jar = _jar()
        self._dir = tempfile.mkdtemp(prefix="obol-python-client-")
        self.grpc_port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBOL_")}
        env.update({
            "OBOL_DATA_DIR": os.path.join(self._dir, "data"),
            "OBOL_GRPC_PORT": str(self.grpc_port),
            "OBOL_HTTP_PORT": str(_free_port()),
            "OBOL_BOOTSTRAP_ADMIN_KEY": ADMIN_KEY,
            "OBOL_DEMO_SEED": "false",
        })
        self._log_path = os.path.join(self._dir, "obol.log")
        self._log = open(self._log_path, "wb")
        self._process = subprocess.Popen(
            [_java(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self._await_serving(timeout_seconds)
        except BaseException:
            self.close()
            raise

    @property
    def target(self):
        return "localhost:%d" % self.grpc_port

    def client(self, api_key):
        return Obol(self.target, api_key, deadline_seconds=15.0)

    def _await_serving(self, timeout_seconds):
        end = time.monotonic() + timeout_seconds
        while time.monotonic() < end:
            if self._process.poll() is not None:
                raise RuntimeError("Obol exited with %s:\n%s" % (self._process.returncode, self.tail()))
            # A fresh channel each time, reconnecting quickly: gRPC's reconnect backoff would otherwise grow to 2 min.
            with Obol(self.target, ADMIN_KEY, max_attempts=1, deadline_seconds=2.0,
                      options=[("grpc.use_local_subchannel_pool", 1),
                               ("grpc.initial_reconnect_backoff_ms", 200),
                               ("grpc.max_reconnect_backoff_ms", 500)]) as probe:
                try:
                    probe.list_features()
                    return
                except ObolError:
                    time.sleep(0.2)
        raise RuntimeError("Obol did not serve within %ss:\n%s" % (timeout_seconds, self.tail()))

    def tail(self, lines=40):
        try:
            with open(self._log_path, "rb") as log:
                return b"\n".join(log.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError as e:
            return "(no output: %s)" % e

    def close(self):
        """SIGTERM and wait (SIGKILL after 30 s); and the embedded postmaster too if it outlived the JVM."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
        self._log.close()
        pid_file = os.path.join(self._dir, "data", "postgres", "postmaster.pid")
        try:
            with open(pid_file) as f:
                pid = int(f.readline().strip())
            with open("/proc/%d/cmdline" % pid, "rb") as f:
                if f.read().split(b"\0")[0].endswith(b"/postgres"):
                    os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            pass  # best effort: the postmaster is gone, or it is not ours
        if os.environ.get("OBOL_KEEP_TEST_DATA") != "1":
            shutil.rmtree(self._dir, ignore_errors=True)
