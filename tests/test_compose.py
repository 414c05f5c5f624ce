import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose_config(folder: Path, **env) -> subprocess.CompletedProcess:
    assert shutil.which("docker-compose"), "make test installs Debian's docker-compose"
    shutil.copy(ROOT / "docker-compose.yml", folder / "docker-compose.yml")
    return subprocess.run(
        ["docker-compose", "-f", "docker-compose.yml", "config"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env,
    )


def test_docker_compose_file_is_valid_with_the_example_env_file(tmp_path):
    env_file = (ROOT / ".env.example").read_text()
    (tmp_path / ".env").write_text(env_file + "\nDJANGO_SECRET_KEY=a-real-secret-from-env\n")

    result = compose_config(tmp_path)

    assert result.returncode == 0, result.stderr
    web = yaml.safe_load(result.stdout)["services"]["web"]
    assert web["environment"]["DJANGO_SECRET_KEY"] == "a-real-secret-from-env"


def test_compose_will_not_start_without_a_secret_key(tmp_path):
    (tmp_path / ".env").write_text("DJANGO_ALLOWED_HOSTS=localhost\n")

    result = compose_config(tmp_path)

    assert result.returncode != 0
    assert "set DJANGO_SECRET_KEY in .env" in result.stderr


def test_compose_runs_the_whole_stack():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(services)
    # One start-up path: the same script as the Dockerfile, the Procfile and the production stage.
    assert services["web"]["command"] == ["scripts/start", "web"]
    assert services["worker"]["command"] == ["scripts/start", "worker"]
    assert services["beat"]["command"] == ["scripts/start", "beat"]


def test_the_dockerfile_and_procfile_start_through_the_same_script():
    dockerfile = (ROOT / "Dockerfile").read_text()
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )

    assert 'CMD ["scripts/start", "web"]' in dockerfile
    assert "COPY scripts scripts" in dockerfile
    assert procfile == {role: f"scripts/start {role}" for role in ("web", "worker", "beat")}
