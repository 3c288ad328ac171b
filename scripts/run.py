"""`make run`: the production stack on the embedded default, supervised in one terminal.

    python scripts/run.py [--host 127.0.0.1] [--port 8000]

1. migrates the SQLite database under var/ (settings config.settings.local: DEBUG off, keys
   generated once into var/secrets.json);
2. collects the static files into var/static, hashed and compressed for whitenoise;
3. loads the demo once (var/.demo-seeded) and prints the logins (kept in var/demo-logins.txt);
4. starts gunicorn (config/gunicorn.py: several workers, JSON access log with personal data
   masked) and the scheduler (`manage.py scheduler`: audit sealing, offer expiry, campaign and
   order ticks, … inline, no broker), each in its own process group;
5. prints the address once /healthz answers, then waits.

Ctrl-C (or SIGTERM) stops both gracefully (SIGTERM, then SIGKILL after 30 s). If either child
exits on its own, the other is stopped too and the exit code is passed on.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("ZHIJIA_VAR_DIR", ROOT / "var"))
STOP_GRACE_SECONDS = 30


def say(text: str) -> None:
    print(text, flush=True)


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def prepare(env: dict[str, str]) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    say("Preparing: migrate, collect static files, demo data (first start only) …")
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    seeded, logins = VAR / ".demo-seeded", VAR / "demo-logins.txt"
    if not seeded.exists():
        text = manage("seed_demo", env=env, capture=True)
        logins.write_text(text, encoding="utf-8")
        seeded.touch()


def wait_healthy(url: str, procs: list[subprocess.Popen], timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            # One probe at a time: a worker answers its first request only after loading the app.
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our loopback)
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-seed", action="store_true", help="do not load the demo data")
    options = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    env.setdefault("PYTHONUNBUFFERED", "1")
    env["ZHIJIA_BIND"] = f"{options.host}:{options.port}"

    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    try:
        if options.no_seed:
            manage("migrate", "--noinput", "-v", "0", env=env)
            manage("collectstatic", "--noinput", "-v", "0", env=env)
        else:
            prepare(env)
    except subprocess.CalledProcessError as exc:
        say(f"Preparation failed: {' '.join(map(str, exc.cmd))} exited {exc.returncode}")
        return exc.returncode or 1
    if stopping:
        return 130

    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "scheduler"], cwd=ROOT, env=env, start_new_session=True
        ),
    ]
    # For a watchdog that must clean up after a supervisor killed unclean (scripts/check_run.sh).
    (VAR / "run.pids").write_text(" ".join(str(p.pid) for p in procs), encoding="utf-8")
    base = f"http://{options.host}:{options.port}"
    wildcard = {"0.0.0.0", "::"}  # noqa: S104 (what a user may pass, not what we bind)
    health_host = "127.0.0.1" if options.host in wildcard else options.host
    if wait_healthy(f"http://{health_host}:{options.port}/healthz", procs):
        logins = VAR / "demo-logins.txt"
        if logins.exists():
            say("")
            say(logins.read_text(encoding="utf-8").rstrip())
        say("")
        say(f"Zhijia is at {base}/  (console /console/, worker H5 /h5/, API docs /api/v1/docs)")
        say("gunicorn and the scheduler are running (JSON logs below); Ctrl-C stops both.")
    elif not stopping:
        say(f"Zhijia did not answer on {base}/healthz; stopping.")
        stop_all(procs)
        return 1

    code = 0
    while not stopping:
        exited = [p for p in procs if p.poll() is not None]
        if exited:
            code = exited[0].returncode or 1
            say(f"A process exited ({' '.join(exited[0].args)}: {exited[0].returncode}); stopping the rest.")
            break
        time.sleep(0.5)
    stop_all(procs)
    (VAR / "run.pids").unlink(missing_ok=True)
    say("Zhijia stopped.")
    return code


if __name__ == "__main__":
    sys.exit(main())
