"""The platform itself: migrations match models, the Chinese catalogue is complete, CLI, error pages."""
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po
from sqlalchemy import select

from app import ROOT, db
from community.people.models import Person
from community.places.models import Street
from community.roles.models import RoleGrant

CATALOGUE = ROOT / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_migrations_match_models(app):
    """The schema the migrations built (the fixture ran them) is the schema the models describe."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []


def test_every_msgid_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--ignore-dirs=.venv migrations static tests",
                    str(ROOT)], check=True, capture_output=True, cwd=ROOT)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy
                  and (all(m.string) if isinstance(m.string, (list, tuple)) else True)}
    missing = sorted(str(m) for m in wanted - translated)
    assert missing == [], f"{len(missing)} msgids lack a Chinese translation: {missing[:20]}"


def test_pages_are_chinese_by_default_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page
    client.post("/language/en", data={"next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page


def test_error_pages_are_chinese_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "未找到" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_api_errors_use_the_error_format(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_create_admin_command(runner):
    result = runner.invoke(args=["create-admin", "13900001111", "--password", "admin12345"])
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(Person).where(Person.phone == "13900001111"))
    assert db.session.scalar(select(RoleGrant.role).where(RoleGrant.person_id == person.id)) == "platform_admin"
    bad = runner.invoke(args=["create-admin", "12345", "--password", "admin12345"])
    assert bad.exit_code != 0
    weak = runner.invoke(args=["create-admin", "13900002222", "--password", "short"])
    assert weak.exit_code != 0
    assert db.session.scalar(select(Person).where(Person.phone == "13900002222")) is None


def test_seed_demo_builds_juexi_and_prints_a_working_login(runner, client, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Street).where(Street.name == "爵溪街道")) is not None
    people = db.session.scalars(select(Person)).all()
    assert len(people) >= 300
    migrants = sum(p.is_migrant for p in people)
    assert 0.6 < migrants / len(people) < 0.85  # Juexi: migrants outnumber locals about 3 to 1
    hometowns = {p.hometown for p in people}
    assert {"毕节", "阜阳", "上饶", "邵阳"} <= hometowns
    password = result.output.split("password: ")[1].split()[0]
    response = client.post("/login", data={"phone": "13800000000", "password": password})
    assert response.status_code == 302
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and password in again.output
    assert len(db.session.scalars(select(Person)).all()) == len(people)
    (Path(app.instance_path) / "demo_login.txt").unlink()


def test_health_endpoint(client):
    assert client.get("/healthz").json["status"] == "ok"


def test_redis_backs_rate_limits_and_the_task_queue_when_configured(tmp_path):
    """With REDIS_URL, limits are shared by every worker and jobs queue in Redis (checked in a fresh process);
    job progress is in the database either way (tests/community/test_job_queue.py)."""
    code = (
        "from app import create_app, limiter\n"
        f"app = create_app({{'REDIS_URL': 'redis://127.0.0.1:6379/15', 'SQLALCHEMY_DATABASE_URI': "
        f"'sqlite:///{tmp_path}/r.db', 'SECRET_KEY': 'x', 'INSTANCE_PATH': '{tmp_path}'}})\n"
        "print(type(limiter.storage).__name__)\n"
        "queue = app.extensions['task_queue']\n"
        "print(type(queue).__name__, type(queue.storage).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisStorage", "RedisHuey", "RedisStorage"]
