"""A real Neo4j Community server for users without one, and for the tests.

Maven Central does not serve Neo4j's standalone server tarball, so
:func:`fetch` asks Maven (``mvn dependency:copy-dependencies``) for the
``org.neo4j:neo4j`` artifact of :data:`NEO4J_VERSION` (5.26 LTS, runs on Java 17)
and its dependencies, and compiles a small launcher (``InstnetNeo4jLauncher.java``
beside this module) that starts Neo4j's database management service with a
Bolt connector on 127.0.0.1, authentication on. Everything is cached under
``$INSTNET_CACHE/neo4j`` (default ``~/.cache/instnet/neo4j``).

:func:`start` runs the server in the background on a free loopback port with a
generated password (kept, mode 0600, in the state folder, so a restart keeps
it), waits until Bolt answers and returns the connection settings;
:func:`stop` shuts it down cleanly (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from ..errors import Neo4jError
from .connection import Connection, Settings

log = logging.getLogger(__name__)

NEO4J_VERSION = "5.26.30"
LAUNCHER = Path(__file__).with_name("InstnetNeo4jLauncher.java")
LAUNCHER_CLASS = "InstnetNeo4jLauncher"
DEFAULT_HEAP = os.environ.get("INSTNET_NEO4J_HEAP", "1500m")
DEFAULT_PAGECACHE = os.environ.get("INSTNET_NEO4J_PAGECACHE", "1g")

#: Neo4j's own JVM flags (from its neo4j.conf), less the ones that slow a start.
_JVM_FLAGS = (
    "-XX:+UseG1GC", "-XX:-OmitStackTraceInFastThrow", "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields", "-XX:+DisableExplicitGC", "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024", "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true", "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.instnet</groupId>
  <artifactId>instnet-neo4j-server</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


def cache_dir() -> Path:
    """Return the folder caching Neo4j (``$INSTNET_CACHE/neo4j`` or ``~/.cache/instnet/neo4j``)."""
    root = os.environ.get("INSTNET_CACHE")
    if root:
        return Path(root).expanduser() / "neo4j"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "instnet" / "neo4j"


def default_state_dir() -> Path:
    """Return the folder of the user's bundled server (data, logs, password)."""
    return cache_dir() / "server"


@dataclass(frozen=True)
class Distribution:
    """A fetched Neo4j: its jars and the compiled launcher."""

    version: str
    lib: Path
    classes: Path

    @property
    def classpath(self) -> str:
        return f"{self.lib}/*{os.pathsep}{self.classes}"


@dataclass(frozen=True)
class ServerInfo:
    """A running server: where it listens and how to log in."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str
    pid: int
    state_dir: Path
    version: str = NEO4J_VERSION

    @property
    def settings(self) -> Settings:
        return Settings(uri=self.uri, user=self.user, password=self.password, database=self.database)

    @property
    def import_dir(self) -> Path:
        """The server's import folder (for ``LOAD CSV FROM 'file:///...'``)."""
        return self.state_dir / "home" / "import"

    def exports(self) -> str:
        """Shell ``export`` lines a user can ``eval`` (this is where the password is shown)."""
        values = {"NEO4J_URI": self.uri, "NEO4J_USER": self.user,
                  "NEO4J_PASSWORD": self.password, "NEO4J_DATABASE": self.database}
        return "".join(f"export {k}={_shell_quote(v)}\n" for k, v in values.items())


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


def _run(cmd: list[str], *, what: str, cwd: Path | None = None) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise Neo4jError(_("{what} needs `{command}` on PATH (Java 17+ and Maven)").format(
            what=what, command=cmd[0])) from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise Neo4jError(_("{what} failed ({command} exit {code}):").format(
            what=what, command=" ".join(cmd[:2]), code=proc.returncode) + "\n" + tail)


def fetch(*, version: str = NEO4J_VERSION) -> Distribution:
    """Obtain Neo4j ``version`` from Maven Central (cached) and compile the launcher.

    Returns
    -------
    Distribution

    Raises
    ------
    Neo4jError
        If Maven, Java or the network fails (with Maven's last lines).
    """
    root = cache_dir() / version
    lib = root / "lib"
    if not (lib / ".complete").is_file():
        log.info("fetching Neo4j %s from Maven Central into %s", version, lib)
        root.mkdir(parents=True, exist_ok=True)
        (root / "pom.xml").write_text(_POM.format(version=version), encoding="utf-8")
        tmp = root / "lib.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        _run(["mvn", "-B", "-q", "-f", str(root / "pom.xml"), "dependency:copy-dependencies",
              f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"], what="fetching Neo4j")
        shutil.rmtree(lib, ignore_errors=True)
        tmp.rename(lib)
        (lib / ".complete").write_text(version, encoding="utf-8")
    digest = hashlib.sha256(LAUNCHER.read_bytes()).hexdigest()[:12]
    classes = root / f"classes-{digest}"
    if not (classes / f"{LAUNCHER_CLASS}.class").is_file():
        tmp = root / f"classes-{digest}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _run(["javac", "-cp", f"{lib}/*", "-d", str(tmp), str(LAUNCHER)], what="compiling the launcher")
        shutil.rmtree(classes, ignore_errors=True)
        tmp.rename(classes)
        for old in root.glob("classes-*"):
            if old != classes and old.is_dir():
                shutil.rmtree(old)  # launchers of earlier instnet versions
    return Distribution(version=version, lib=lib, classes=classes)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(port: int, home: Path, pagecache: str) -> str:
    settings = {
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.memory.pagecache.size": pagecache,
        "server.directories.import": str(home / "import"),
        "dbms.security.allow_csv_import_from_file_urls": "true",
        "db.tx_log.rotation.retention_policy": "2 files",
        "db.tx_log.rotation.size": "64M",
        "dbms.usage_report.enabled": "false",
    }
    return "".join(f"{k}={v}\n" for k, v in settings.items())


def _alive(pid: int) -> bool:
    """True when ``pid`` is a live instnet Neo4j launcher (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid
    stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    return LAUNCHER_CLASS.encode() in cmdline


def _read_info(state_dir: Path) -> ServerInfo | None:
    path = state_dir / "server.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    password = (state_dir / "password").read_text(encoding="utf-8").strip()
    return ServerInfo(uri=data["uri"], user="neo4j", password=password, database="neo4j",
                      pid=int(data["pid"]), state_dir=state_dir, version=data.get("version", NEO4J_VERSION))


def _answers(info: ServerInfo, timeout: float = 3.0) -> bool:
    try:
        with Connection(info.settings, connection_timeout=timeout, max_retry_time=0) as conn:
            conn.verify()
        return True
    except Neo4jError:
        return False


def status(*, state_dir: Path | None = None) -> ServerInfo | None:
    """Return the running server of ``state_dir``, or None when none runs."""
    state_dir = Path(state_dir or default_state_dir())
    info = _read_info(state_dir)
    if info is None or not _alive(info.pid):
        return None
    return info


def _password(state_dir: Path) -> str:
    path = state_dir / "password"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(password + "\n")
    return password


def start(
    *,
    state_dir: Path | None = None,
    port: int | None = None,
    heap: str = DEFAULT_HEAP,
    pagecache: str = DEFAULT_PAGECACHE,
    timeout: float = 180.0,
    jvm_options: tuple[str, ...] = (),
) -> ServerInfo:
    """Start the bundled server in the background (fetching Neo4j if needed).

    A server already running for ``state_dir`` is returned as it is. Data and the
    generated password persist in ``state_dir`` across restarts; the port is
    chosen anew (a free loopback port) unless given.

    Parameters
    ----------
    state_dir : Path, optional
        Home of the server (default :func:`default_state_dir`).
    port : int, optional
        Bolt port on 127.0.0.1 (default: a free one).
    heap, pagecache : str
        JVM heap and page cache sizes (``1500m``, ``1g``...); override the defaults
        with ``INSTNET_NEO4J_HEAP`` / ``INSTNET_NEO4J_PAGECACHE``.
    timeout : float
        Seconds to wait for Bolt to answer.
    jvm_options : tuple of str
        Extra JVM options, after those of ``$INSTNET_NEO4J_JVM_OPTS`` (split on
        spaces). ``-XX:TieredStopAtLevel=1`` starts about twice as fast on two cores,
        at the cost of peak speed (the tests use it).

    Raises
    ------
    Neo4jError
        If Neo4j cannot be fetched, or the server dies or does not answer in time
        (with the end of its log).
    """
    state_dir = Path(state_dir or default_state_dir()).resolve()
    running = status(state_dir=state_dir)
    if running is not None and _answers(running):
        return running
    dist = fetch()
    home = state_dir / "home"
    (home / "import").mkdir(parents=True, exist_ok=True)
    password = _password(state_dir)
    port = port or free_port()
    conf = state_dir / "neo4j.conf"
    conf.write_text(_config(port, home, pagecache), encoding="utf-8")
    (home / "ready").unlink(missing_ok=True)
    env = dict(os.environ, INSTNET_NEO4J_PASSWORD=password)
    java = shutil.which("java", path=os.path.join(os.environ["JAVA_HOME"], "bin")) \
        if os.environ.get("JAVA_HOME") else shutil.which("java")
    if java is None:
        raise Neo4jError(_("the bundled Neo4j server needs Java 17+ (`java` on PATH)"))
    extra = [*os.environ.get("INSTNET_NEO4J_JVM_OPTS", "").split(), *jvm_options]
    cmd = [java, "-Xms256m", f"-Xmx{heap}", *_JVM_FLAGS, *extra, "-cp", dist.classpath,
           LAUNCHER_CLASS, str(home), str(conf)]
    log_path = state_dir / "launcher.log"
    with open(log_path, "ab") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                env=env, start_new_session=True, cwd=state_dir)
    info = ServerInfo(uri=f"bolt://127.0.0.1:{port}", user="neo4j", password=password,
                      database="neo4j", pid=proc.pid, state_dir=state_dir, version=dist.version)
    (state_dir / "server.json").write_text(
        json.dumps({"uri": info.uri, "pid": proc.pid, "version": dist.version}), encoding="utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Neo4jError(_("Neo4j exited with code {code} while starting:").format(code=proc.returncode)
                             + "\n" + _tail(log_path, home))
        if (home / "ready").is_file() and _answers(info):
            log.info("Neo4j %s ready at %s (pid %d)", dist.version, info.uri, proc.pid)
            return info
        time.sleep(0.25)
    _terminate(proc.pid, grace=10)
    raise Neo4jError(_("Neo4j did not answer within {seconds} s:").format(seconds=f"{timeout:.0f}")
                     + "\n" + _tail(log_path, home))


def _tail(log_path: Path, home: Path, lines: int = 15) -> str:
    text = ""
    for path in (log_path, home / "logs" / "debug.log"):
        if path.is_file():
            text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
    return text.rstrip()


def _terminate(pid: int, *, grace: float) -> None:
    if not _alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.2)
    log.warning("Neo4j (pid %d) did not stop within %.0f s; killing it", pid, grace)
    os.kill(pid, signal.SIGKILL)
    while _alive(pid):
        time.sleep(0.1)


def stop(*, state_dir: Path | None = None, grace: float = 60.0) -> bool:
    """Stop the server of ``state_dir`` cleanly; return False when none was running."""
    state_dir = Path(state_dir or default_state_dir()).resolve()
    info = _read_info(state_dir)
    if info is None or not _alive(info.pid):
        (state_dir / "server.json").unlink(missing_ok=True)
        return False
    _terminate(info.pid, grace=grace)
    _reap(info.pid)
    (state_dir / "server.json").unlink(missing_ok=True)
    return True


def kill(*, state_dir: Path | None = None) -> None:
    """Kill the server of ``state_dir`` at once (SIGKILL), as a crash would; for tests."""
    state_dir = Path(state_dir or default_state_dir()).resolve()
    info = _read_info(state_dir)
    if info is not None and _alive(info.pid):
        os.kill(info.pid, signal.SIGKILL)
        while _alive(info.pid):
            _reap(info.pid)
            time.sleep(0.05)


def _reap(pid: int) -> None:
    """Collect ``pid`` if it is our child (started in this process), so it leaves no zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass  # not our child: its own parent (or init) reaps it
