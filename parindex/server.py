"""parindex's own local Prefect server: started once, reused by every later run.

Without ``PREFECT_API_URL``, Prefect starts a temporary API server inside every flow
run (8–14 s on a quiet machine, and a busy one misses its 20 s start-up limit). So
``parindex run`` and ``parindex serve`` instead use a server of their own:
``prefect server start`` on the loopback interface, on a free port, with its own
``PREFECT_HOME`` (its SQLite database), started detached the first time it is
needed, with a generous start-up limit and a retry, and recorded in a small state
file (pid, port, Prefect version). Later runs find it healthy and use it at once.

It is a deliberate, stoppable service: ``parindex server status`` shows it,
``parindex server stop`` stops it. It keeps running between runs, like a database,
so that the next run is quick; a configured ``PREFECT_API_URL`` (a server of the
site's own, e.g. a systemd unit) always wins and is never started or stopped here.

This module does not import Prefect: it starts ``python -m prefect`` as a process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from parindex import messages
from parindex.errors import ParindexError

HOME_VARIABLE = "PARINDEX_SERVER_HOME"
STATE_FILE = "server.json"
LOG_FILE = "server.log"
LOCK_FILE = ".lock"
CLIENTS_FOLDER = "clients"
PREFECT_HOME_FOLDER = "prefect-home"
STARTUP_SECONDS = 180.0
START_ATTEMPTS = 3
HEALTH_TIMEOUT = 5.0
# Settings for a site without internet: no analytics, no update checks, no Cloud.
OFFLINE_ENVIRONMENT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "DO_NOT_TRACK": "1",
}


class ServerUnreachable(ParindexError):
    """The Prefect API the run should use does not answer."""


class ServerNotStarted(ParindexError):
    """parindex could not start its local Prefect server."""


class ServerInUse(ParindexError):
    """``server stop`` refused: runs of this user use the server now."""


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records about the running server."""

    pid: int
    port: int
    url: str
    prefect_home: str
    prefect_version: str
    started_at: str


def server_home() -> Path:
    """Where the server's state, log and Prefect home live.

    ``PARINDEX_SERVER_HOME``, else ``$XDG_STATE_HOME/parindex/prefect-server``
    (``~/.local/state/parindex/prefect-server``).
    """
    configured = os.environ.get(HOME_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "parindex" / "prefect-server"


def _prefect_version() -> str:
    try:
        return metadata.version("prefect")
    except metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return "?"


def configured_api_url() -> str | None:
    """The Prefect API the site configured: ``PREFECT_API_URL`` in the environment,
    else in the active Prefect profile (``$PREFECT_HOME/profiles.toml``)."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return url
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    profiles_path = Path(
        os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml"
    ).expanduser()
    try:
        profiles = tomllib.loads(profiles_path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active")
    settings = profiles.get("profiles", {}).get(active, {})
    found = settings.get("PREFECT_API_URL") if isinstance(settings, dict) else None
    return found if isinstance(found, str) and found else None


def health_error(url: str, timeout: float = HEALTH_TIMEOUT) -> str | None:
    """Why the Prefect API at ``url`` is not healthy, or None when it is."""
    try:
        with urllib.request.urlopen(
            url.rstrip("/") + "/health", timeout=timeout
        ) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return str(reason)
    return None if body.strip() == b"true" else f"trả lời lạ: {body[:60]!r}"


def check_reachable(url: str, attempts: int = 3, pause: float = 2.0) -> None:
    """Make sure the configured API answers (a busy server gets a few tries).

    Raises:
        ServerUnreachable: with the URL and the reason, in Vietnamese.
    """
    error: str | None = None
    for attempt in range(attempts):
        error = health_error(url)
        if error is None:
            return
        if attempt + 1 < attempts:
            time.sleep(pause)
    raise ServerUnreachable(messages.SERVER_UNREACHABLE.format(url=url, reason=error))


def wait_until_reachable(
    url: str, say: Callable[[str], None], pause: float = 10.0
) -> int:
    """Wait, one line per try, until the API at ``url`` answers (``serve`` after a
    reboot, when the server is not up yet). Returns the number of failed tries."""
    tries = 0
    while (error := health_error(url)) is not None:
        tries += 1
        say(
            messages.SERVER_WAITING.format(
                url=url, reason=error, attempt=tries, seconds=int(pause)
            )
        )
        time.sleep(pause)
    return tries


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_state(home: Path | None = None) -> ServerState | None:
    """The recorded server, if the state file is readable."""
    path = (home or server_home()) / STATE_FILE
    try:
        loaded = json.loads(path.read_text("utf-8"))
        return ServerState(**loaded)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(home: Path, state: ServerState) -> None:
    temporary = home / f".{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n", "utf-8")
    os.replace(temporary, home / STATE_FILE)


@contextlib.contextmanager
def _home_lock(home: Path) -> Iterator[None]:
    """One parindex at a time starts or stops the server."""
    with open(home / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(prefect_home: Path) -> dict[str, str]:
    """The server process's environment: its own home, offline, no client URL."""
    environment = {**os.environ, **OFFLINE_ENVIRONMENT}
    environment["PREFECT_HOME"] = str(prefect_home)
    for variable in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
        environment.pop(variable, None)
    return environment


def _launch(home: Path, port: int) -> subprocess.Popen[bytes]:
    prefect_home = home / PREFECT_HOME_FOLDER
    prefect_home.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "prefect", "server", "start"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with open(home / LOG_FILE, "ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} port {port}\n".encode())
        log.flush()
        return subprocess.Popen(
            command,
            env=server_environment(prefect_home),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this run; stopped as a group
            cwd=home,
        )


def _healthy(state: ServerState | None) -> bool:
    return (
        state is not None
        and _pid_alive(state.pid)
        and state.prefect_version == _prefect_version()
        and health_error(state.url) is None
    )


def _wait_healthy(process: subprocess.Popen[bytes], url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if health_error(url, timeout=HEALTH_TIMEOUT) is None:
            return True
        time.sleep(0.3)
    return False


def _log_tail(home: Path, lines: int = 5) -> str:
    try:
        text = (home / LOG_FILE).read_text("utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(text.strip().splitlines()[-lines:])


def ensure_server(
    home: Path | None = None,
    startup_seconds: float | None = None,
    say: Callable[[str], None] | None = None,
) -> ServerState:
    """The URL of a healthy local server: the recorded one, or a new one.

    Raises:
        ServerNotStarted: no attempt gave a healthy server within the limit.
    """
    home = home or server_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ServerNotStarted(
            messages.SERVER_NOT_STARTED.format(home=home, reason=error)
        ) from error
    state = read_state(home)
    if _healthy(state):
        assert state is not None
        return state
    seconds = startup_seconds or float(
        os.environ.get("PARINDEX_SERVER_STARTUP_SECONDS", STARTUP_SECONDS)
    )
    with _home_lock(home):
        state = read_state(home)  # another parindex may have started it meanwhile
        if state is not None and _pid_alive(state.pid):
            if state.prefect_version == _prefect_version() and _wait_for_recorded(
                state, seconds
            ):
                return state
            _terminate(state.pid)  # an old version, or hung: start a fresh one
        if say is not None:
            say(messages.SERVER_STARTING.format(home=home))
        for _ in range(START_ATTEMPTS):
            port = _free_port()
            url = f"http://127.0.0.1:{port}/api"
            try:
                process = _launch(home, port)
            except OSError as error:  # not executable, its log not writable, …
                launching = error.filename in (None, sys.executable)
                reason = (
                    messages.SERVER_CANNOT_LAUNCH.format(
                        program=sys.executable, reason=error.strerror or error
                    )
                    if launching
                    else str(error)
                )
                raise ServerNotStarted(
                    messages.SERVER_NOT_STARTED.format(home=home, reason=reason)
                ) from error
            state = ServerState(
                pid=process.pid,
                port=port,
                url=url,
                prefect_home=str(home / PREFECT_HOME_FOLDER),
                prefect_version=_prefect_version(),
                started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            )
            _write_state(home, state)
            if _wait_healthy(process, url, seconds):
                return state
            _terminate(process.pid)
        (home / STATE_FILE).unlink(missing_ok=True)
    raise ServerNotStarted(
        messages.SERVER_NOT_STARTED.format(home=home, reason=_log_tail(home))
    )


def _wait_for_recorded(state: ServerState, seconds: float) -> bool:
    """A recorded server that is alive: wait for it to answer (it may be starting)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and _pid_alive(state.pid):
        if health_error(state.url) is None:
            return True
        time.sleep(0.5)
    return False


def _terminate(pid: int, grace: float = 15.0) -> None:
    """Stop a server process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            if not _pid_alive(pid):
                return
            time.sleep(0.2)


# --- who uses the server: one server per user, every parindex folder of the user ----


def process_start(pid: int) -> str | None:
    """When process ``pid`` started (Linux: clock ticks since boot), so that a pid
    reused by another program is not taken for the one recorded (a server's
    client here, a running marker in ``parindex.run_record``)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def register_client(
    home: Path, command: str, folder: Path, pid: int | None = None
) -> Path:
    """Record that process ``pid`` (default: this one), a ``parindex run`` or
    ``serve`` of ``folder``, uses the local server until it ends (``server stop``
    refuses meanwhile). Returns the record, for ``unregister_client``."""
    pid = os.getpid() if pid is None else pid
    folder_path = home / CLIENTS_FOLDER
    folder_path.mkdir(parents=True, exist_ok=True)
    path = folder_path / f"{pid}.json"
    document = {
        "pid": pid,
        "process_start": process_start(pid),
        "command": command,
        "folder": str(folder),
        "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    temporary = folder_path / f".{pid}.json.tmp"
    temporary.write_text(json.dumps(document, ensure_ascii=False) + "\n", "utf-8")
    os.replace(temporary, path)
    return path


def unregister_client(path: Path) -> None:
    """The client ended (a client killed outright is recognised as gone)."""
    path.unlink(missing_ok=True)


def live_clients(home: Path | None = None) -> list[dict[str, object]]:
    """The runs and serves that use the local server now (records of processes
    that are gone are removed)."""
    folder = (home or server_home()) / CLIENTS_FOLDER
    found: list[dict[str, object]] = []
    for path in sorted(folder.glob("[0-9]*.json")):
        try:
            document = json.loads(path.read_text("utf-8"))
            pid = int(document["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        started = document.get("process_start")
        if _pid_alive(pid) and (started is None or process_start(pid) == started):
            found.append(document)
        else:
            path.unlink(missing_ok=True)
    return found


def stop_server(home: Path | None = None, *, force: bool = False) -> ServerState | None:
    """Stop the recorded server (and everything it started); the state it had.

    Raises:
        ServerInUse: a run or serve (of any parindex folder of this user) uses it
            now, and not ``force``.
    """
    home = home or server_home()
    if not home.is_dir():
        return None
    clients = [c for c in live_clients(home) if c.get("pid") != os.getpid()]
    if clients and not force:
        raise ServerInUse(
            messages.SERVER_STOP_IN_USE.format(
                count=len(clients),
                runs="; ".join(
                    f"{c.get('command')}, pid {c.get('pid')}, {c.get('folder')}"
                    for c in clients
                ),
            )
        )
    with _home_lock(home):
        state = read_state(home)
        if state is not None and _pid_alive(state.pid):
            _terminate(state.pid)
        (home / STATE_FILE).unlink(missing_ok=True)
    return state


def server_status(home: Path | None = None) -> tuple[ServerState | None, bool]:
    """The recorded server and whether it answers now."""
    state = read_state(home or server_home())
    return state, state is not None and _healthy(state)
