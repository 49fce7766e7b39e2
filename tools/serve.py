"""N Streamlit processes behind nginx (`make serve REPLICAS=N`): start, wait for health, stop on Ctrl-C.

Every process reads the same database read-only and checks its version stamp on each script run
(ui/data.py), so an import made through any one of them shows in all of them at once.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian puts it in /usr/sbin, off a user's PATH
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 10


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="how many Streamlit processes")
    parser.add_argument("--port", type=int, default=8501, help="where nginx listens")
    parser.add_argument("--replica-port", type=int,
                        help="the first process's port on 127.0.0.1, the others follow (default: port+10)")
    parser.add_argument("--run-dir", type=Path,
                        help="nginx's config, pid, temp files and logs (default: a new folder in /tmp)")
    parser.add_argument("streamlit_args", nargs="*", help="after --: more `streamlit run` options")
    return parser.parse_args(argv)


def max_upload_mb() -> int:
    """Streamlit's upload limit, so nginx lets the same files through."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    return int(config.get("server", {}).get("maxUploadSize", 200))  # 200: Streamlit's default


def nginx_conf(run: Path, port: int, replica_ports: list[int]) -> str:
    """deploy/nginx.conf.template with its {{fields}} filled in."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
                        for p in replica_ports)
    text = TEMPLATE.read_text("utf-8")
    for key, value in {"run": str(run), "port": str(port), "servers": servers,
                       "max_upload": str(max_upload_mb())}.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def start_replica(port: int, extra: list[str], run: Path, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *extra]
    with (run / f"streamlit-{port}.log").open("a") as log:
        return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_healthy(processes: dict[int, subprocess.Popen]) -> None:
    """Until every port answers /_stcore/health; fails when a process exits or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    waiting = dict(processes)
    while waiting:
        for port, process in list(waiting.items()):
            if healthy(port):
                del waiting[port]
            elif process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"nothing healthy on port {port} (exit code {process.poll()})")
        time.sleep(0.3)


def supervise(replicas: dict[int, subprocess.Popen], nginx: subprocess.Popen, extra: list[str],
              run: Path, env: dict[str, str]) -> int:
    """Restart a process that died (nginx passes over it meanwhile); end when nginx ends."""
    while nginx.poll() is None:
        for port, process in replicas.items():
            if process.poll() is not None:
                print(f"process on port {port} exited ({process.returncode}); restarting",
                      file=sys.stderr, flush=True)
                replicas[port] = start_replica(port, extra, run, env)
        time.sleep(1)
    print(f"nginx exited ({nginx.returncode})", file=sys.stderr)
    return 1


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # systemd stops with SIGTERM: stop the same way as on Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not Path(NGINX).exists():
        raise SystemExit(f"{NGINX} is missing: `make system` installs Debian's nginx")
    run = (args.run_dir or Path(tempfile.mkdtemp(prefix="naeringsmal-serve-"))).resolve()
    run.mkdir(parents=True, exist_ok=True)
    first = args.replica_port or args.port + 10
    ports = list(range(first, first + args.replicas))
    # Signed cookies (a log-in) must be valid in every process, whichever one a visitor reaches.
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32), **os.environ}
    signal.signal(signal.SIGTERM, _interrupted)
    replicas: dict[int, subprocess.Popen] = {}
    nginx: subprocess.Popen | None = None
    try:
        replicas = {port: start_replica(port, args.streamlit_args, run, env) for port in ports}
        wait_healthy(replicas)
        (run / "nginx.conf").write_text(nginx_conf(run, args.port, ports), "utf-8")
        nginx = subprocess.Popen([NGINX, "-p", str(run), "-c", str(run / "nginx.conf")], cwd=run)
        wait_healthy({args.port: nginx})
        print(f"Serving http://localhost:{args.port} through nginx: {len(ports)} Streamlit processes "
              f"on 127.0.0.1:{ports[0]}–{ports[-1]}; logs in {run}", flush=True)
        return supervise(replicas, nginx, args.streamlit_args, run, env)
    except KeyboardInterrupt:
        return 0
    finally:
        stop([p for p in (nginx, *replicas.values()) if p is not None])


if __name__ == "__main__":
    sys.exit(main())
