import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_file_is_valid():
    assert shutil.which("docker-compose"), "make test installs Debian's docker-compose"
    result = subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_whole_stack():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
