"""The files of deploy/ say what the product can do: every `cooperer` command they run exists with the options they
give it, the systemd units pass `systemd-analyze verify`, and the compose file describes the production profile
(PostgreSQL, Redis, two web servers, two workers)."""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def unit_commands() -> list[list[str]]:
    lines = [
        line for unit in UNITS for line in unit.read_text().splitlines() if line.startswith("ExecStart=")
    ]
    return [
        shlex.split(line.removeprefix("ExecStart=").replace("%i", "8001").replace("%H", "hote"))
        for line in lines
    ]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_commands() -> list[list[str]]:
    found = []
    for service in compose()["services"].values():
        command = service.get("command", [])
        if command[:2] == ["sh", "-c"]:
            found += [shlex.split(part) for part in command[2].split("&&")]
        elif command[:1] == ["cooperer"]:
            found.append(command)
    return found


@pytest.mark.parametrize("argv", unit_commands() + compose_commands(), ids=" ".join)
def test_each_cooperer_command_of_the_deployment_files_exists_with_its_options(argv):
    assert Path(argv[0]).name == "cooperer", argv
    name = argv[1].replace("-", "_")
    app = get_commands().get(name)
    assert app is not None, f"cooperer {argv[1]} n'existe pas"
    parser = load_command_class(app, name).create_parser("cooperer", name)
    parser.parse_args(argv[2:])  # exits (SystemExit) on an unknown option or a bad value


def test_compose_runs_postgresql_redis_two_web_servers_and_two_workers():
    services = compose()["services"]
    assert services["db"]["image"].startswith("postgres:") and services["redis"]["image"].startswith("redis:")
    web = [s for s in services.values() if s.get("command", [])[:2] == ["cooperer", "serve"]]
    workers = [s for s in services.values() if s.get("command", [])[:2] == ["cooperer", "db_worker"]]
    assert len(web) == 2 and len(workers) == 2
    ids = [s["command"][s["command"].index("--worker-id") + 1] for s in workers]
    assert len(set(ids)) == 2  # each worker known by its own id (heartbeats, reaping)
    for service in web + workers:
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze absent de cette machine")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    cooperer = Path(sys.executable).with_name("cooperer")
    names = []
    for unit in UNITS:
        text = unit.read_text().replace("/opt/cooperer/.venv/bin/cooperer", str(cooperer))
        name = unit.name.replace("@.", "@1.")  # a template is verified through one of its instances
        (tmp_path / name).write_text(text)
        names.append(name)
    result = subprocess.run(
        ["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
