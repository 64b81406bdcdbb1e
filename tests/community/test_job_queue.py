"""Background jobs run on the task queue, outside the web workers, and their state lives in the database (#7, 4).

- progress is readable from any web worker: two `create_app` instances share one database;
- a job enqueued while no consumer runs waits in the queue's storage and is done once one starts, also after a
  consumer restart;
- end to end: the real consumer (`flask worker`, a subprocess on an SQLite queue in a tmp folder) runs an import
  uploaded through the web pages.
Each test runs on SQLite and on PostgreSQL (the job table and the people are in the test's database).
"""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import ROOT, create_app, db
from community.background import Job, get_progress, set_progress
from community.people import identity
from community.people.models import Person
from tests.community.import_support import confirm_token, id_number, row, upload, xlsx
from tests.factories import PASSWORD, make_admin, make_person

ADMIN_SCOPE = "platform"


@pytest.fixture
def queued_app(app, tmp_path):
    """A second application on the same database and instance folder, queueing jobs (no immediate mode) in
    an SQLite file of its own, as `make run` or gunicorn would."""
    second = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"], "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": app.instance_path,
        "TASK_QUEUE_FILE": str(tmp_path / "queue.db"), "SERVER_NAME": None,
    })
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


class Consumer:
    """`flask worker` in a subprocess, as `make run` starts it."""

    def __init__(self, application):
        self.application = application
        self.process = None

    def start(self):
        config = self.application.config
        env = dict(os.environ, DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=config["SECRET_KEY"],
                   TONGXIN_INSTANCE=self.application.instance_path, TASK_QUEUE_FILE=config["TASK_QUEUE_FILE"])
        env.pop("REDIS_URL", None)
        log = open(Path(config["TASK_QUEUE_FILE"]).with_suffix(".log"), "ab")  # noqa: SIM115 (kept with the process)
        self.process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "-w", "1"],
                                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends: running jobs finish first
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        path = Path(self.application.config["TASK_QUEUE_FILE"]).with_suffix(".log")
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def consumer(queued_app):
    running = Consumer(queued_app)
    yield running
    running.stop()


def sign_in(application, person_or_phone):
    phone = person_or_phone if isinstance(person_or_phone, str) else person_or_phone.phone
    db.session.commit()  # hold no transaction in the test (on SQLite it would hold the write lock)
    client = application.test_client()
    assert client.post("/login", data={"phone": phone, "password": PASSWORD}).status_code == 302
    return client


def wait_for(client, job_id: str, consumer: Consumer, seconds: float = 90) -> dict:
    db.session.remove()  # hold no transaction in the test (on SQLite it would hold the write lock)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress = client.get(f"/jobs/{job_id}.json").json
        if progress["state"] in ("done", "failed"):
            return progress
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} still {progress}; consumer log:\n{consumer.log()[-3000:]}")


def start_export(client) -> str:
    response = client.post("/admin/people/export", data={})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_progress_is_readable_from_another_app_instance(app, queued_app, places, admin):
    """One instance queues the job, the other answers its progress page: the state is in the database."""
    other, admin_id = make_admin().phone, admin.id
    client_b = sign_in(queued_app, admin)
    job_id = start_export(client_b)
    client_a = sign_in(app, admin)
    assert client_a.get(f"/jobs/{job_id}.json").json["state"] == "queued"  # no consumer is running
    assert client_a.get(f"/jobs/{job_id}").status_code == 200
    db.session.remove()  # app A's requests share the test's app context here (not so under a real server)
    with queued_app.app_context():
        set_progress(job_id, state="running", done=5, total=10)
    progress = client_a.get(f"/jobs/{job_id}.json").json
    assert (progress["state"], progress["done"], progress["total"]) == ("running", 5, 10)
    assert sign_in(app, other).get(f"/jobs/{job_id}.json").status_code == 404  # someone else's job
    assert client_a.get("/jobs/no-such-job.json").status_code == 404
    assert db.session.get(Job, job_id).owner_id == admin_id


def test_a_job_waits_for_the_consumer_and_survives_its_restart(queued_app, consumer, places, admin):
    make_person(places["east"], name="东门居民")
    client = sign_in(queued_app, admin)
    first = start_export(client)
    time.sleep(1)
    assert client.get(f"/jobs/{first}.json").json["state"] == "queued"  # nothing runs it in the web process

    consumer.start()
    progress = wait_for(client, first, consumer)
    assert progress["state"] == "done", progress
    sheet = load_workbook(io.BytesIO(client.get(f"/jobs/{first}/download").data), read_only=True).active
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "东门居民" in names

    consumer.stop()  # a restart: the job queued meanwhile is kept in the queue's storage
    second = start_export(client)
    time.sleep(1)
    assert client.get(f"/jobs/{second}.json").json["state"] == "queued"
    consumer.start()
    assert wait_for(client, second, consumer)["state"] == "done"


def test_the_real_consumer_runs_an_import_end_to_end(queued_app, consumer, places, admin, grid):
    consumer.start()
    number, grid_id = id_number(), grid.id
    client = sign_in(queued_app, admin)
    response = upload(client, xlsx([row("李晓", "13900000801", number=number, grid="第一网格"),
                                    row("王强", "13900000802", community="西门社区")]))
    assert response.status_code == 302  # the check runs on the queue too, not in the web request
    check_id = response.headers["Location"].rsplit("/", 1)[1]
    assert wait_for(client, check_id, consumer)["state"] == "done"
    page = client.get(f"/admin/people/import/check/{check_id}").get_data(as_text=True)
    token = confirm_token(page)
    assert token, page
    response = client.post(f"/admin/people/import/{token}")
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    progress = wait_for(client, job_id, consumer)
    assert progress["state"] == "done", (progress, consumer.log()[-3000:])
    assert progress["imported"] == progress["total"] == 2
    people = {p.phone: p for p in db.session.scalars(select(Person).where(Person.phone.like("1390000080%")))}
    assert set(people) == {"13900000801", "13900000802"}
    li = people["13900000801"]
    assert li.grid_id == grid_id and identity.decrypt_id_number(li.id_number_cipher) == number
    assert not list((Path(queued_app.instance_path) / "imports").glob(f"*{token}*"))
    db.session.remove()


def test_an_upload_is_checked_on_the_queue_not_in_the_request(queued_app, consumer, places, admin):
    """With a real queue the upload's reading and checking wait for the consumer; the result page says so until
    then, and shows a hostile file's refusal (in Chinese) once the consumer has refused it."""
    client = sign_in(queued_app, admin)
    response = upload(client, b"PK\x03\x04 not really a workbook")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    check_id = response.headers["Location"].rsplit("/", 1)[1]
    waiting = client.get(f"/admin/people/import/check/{check_id}")
    assert waiting.status_code == 302 and waiting.headers["Location"].endswith(f"/jobs/{check_id}")
    assert "data-next" in client.get(f"/jobs/{check_id}").get_data(as_text=True)
    consumer.start()
    progress = wait_for(client, check_id, consumer)
    assert progress["state"] == "failed" and "Excel" in progress["error"]
    page = client.get(f"/admin/people/import/check/{check_id}").get_data(as_text=True)
    assert "alert-danger" in page and confirm_token(page) is None


def test_a_failing_job_is_reported_not_lost(app, places, admin, tmp_path):
    """Immediate mode (the tests' BACKGROUND_SYNC) runs the task as the consumer would: in its own app context,
    and a failure is recorded on the job with a message for its owner, never the raw error."""
    from community.background import start_job

    missing = tmp_path / "gone.xlsx"
    job_id = start_job(admin.id, "import", admin.id, str(missing))
    progress = get_progress(job_id)
    assert progress["state"] == "failed" and progress["error"]
    assert str(missing) not in progress["error"]
