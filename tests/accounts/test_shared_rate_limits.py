"""With REDIS_URL, the log-in limits are shared by every worker process, as in production."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import re, sys
from flask_migrate import upgrade
from training import create_app
app = create_app()
with app.app_context():
    upgrade()
client = app.test_client()
statuses = []
for _ in range(int(sys.argv[1])):
    html = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/connexion", data={
        "email": "cible@exemple.fr", "password": "pas le bon mot de passe", "csrf_token": token})
    statuses.append(response.status_code)
print(" ".join(map(str, statuses)))
"""


def run_worker(attempts: int, env: dict[str, str]) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(attempts)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [int(status) for status in result.stdout.split()]


def test_two_worker_processes_share_the_per_account_limit(tmp_path, redis_url):
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
    }
    assert run_worker(2, env) == [422, 422]
    assert run_worker(2, env) == [422, 429]
