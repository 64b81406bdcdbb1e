"""`flask bench-data [--scale 1.0] [--force]`: a city's worth of data for the load benchmark (issue #13).

At scale 1: 1,000,000 people in 20 streets and 500 communities (one of 110,000 new residents, with an
election of 100,000 voters), 2,000 branches with 50,000 members, 100,000 activities, 5,000,000 ledger
entries, 200,000 requests with their supports and 1,000,000 reminders; `--scale 0.01` is the same shape at 1%.
Rows go in by PostgreSQL's COPY (executemany on SQLite, for small scales), in one transaction: all or
nothing. Ids are given in order (1…n) and the sequences moved past them; derived columns are computed by the
app's own functions (pinyin key, ID-number cipher, digest and mask, the migrant rule, the search text).

The loader refuses a database that holds data it did not make (a marker audit entry records each load and its
number of people) unless `--force`; an earlier bench load, or with `--force` anything, is emptied first.
Packages add their tables through `registry().bench_step(name, step)` (branches, volunteers). Every person's
password is BENCH_PASSWORD; the accounts with roles are written to instance/bench_login.txt.
"""
from __future__ import annotations

import json
import random
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import Integer, func, select, text

from app import db
from community.accounts.services import hash_password
from community.audit.models import AuditEntry
from community.database import utcnow
from community.people import identity
from community.people.pinyin import name_key
from community.people.services import is_migrant_by_place
from community.registry import registry

MARKER = "bench_data.load"
BENCH_PASSWORD = "Bench-Tongxin-2026"
COUNTY = "慈溪市"
STREETS = ["浒山街道", "白沙路街道", "古塘街道", "坎墩街道", "宗汉街道", "观海卫镇", "周巷镇", "掌起镇", "逍林镇",
           "龙山镇", "附海镇", "新浦镇", "桥头镇", "匡堰镇", "横河镇", "长河镇", "胜山镇", "崇寿镇", "庵东镇", "天元镇"]
SURNAMES = ("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
            "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
            "单阿")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志海燕晓东小雨欣怡浩然子轩俊宇思琪雅婷"
         "佳豪嘉文博涵梓萱诗晨阳鑫鹏飞宏斌丹凤春秋冬雪松柏林森永福德仁义礼智信忠孝安宁康乐和顺美慧颖蕾")
# (household registration place, hometown, region code of ID numbers, weight); the first is local (Cixi).
ORIGINS = [("浙江省宁波市慈溪市", None, "330282", 55), ("贵州省毕节市七星关区", "毕节", "520502", 10),
           ("安徽省阜阳市临泉县", "阜阳", "341221", 9), ("江西省上饶市鄱阳县", "上饶", "361128", 8),
           ("河南省信阳市固始县", "信阳", "411525", 7), ("四川省达州市渠县", "达州", "511725", 6),
           ("湖南省邵阳市隆回县", "邵阳", "430524", 5)]
EMPLOYERS = ["慈溪家电有限公司", "宗汉轴承厂", "周巷五金厂", "观海卫服装厂", "杭州湾物流园", "浒山菜市场", None]


class Loader:
    """Bulk writer and shared state of one load: the scale, a seeded random source, the ids made so far."""

    def __init__(self, scale: float, seed: int = 2026):
        self.scale, self.rng = scale, random.Random(seed)
        self.now = utcnow().replace(microsecond=0)
        self.postgres = db.engine.dialect.name == "postgresql"
        self.timings: list[tuple[str, float]] = []
        self.context: dict = {}

    def n(self, full: int, minimum: int = 1) -> int:
        """`full` at this scale (at least `minimum`)."""
        return max(minimum, round(full * self.scale))

    @contextmanager
    def part(self, name: str):
        started = time.perf_counter()
        yield
        db.session.flush()
        self.timings.append((name, time.perf_counter() - started))

    def write(self, table, columns: tuple[str, ...], rows) -> int:
        """Insert `rows` (tuples in `columns` order): COPY on PostgreSQL, batched executemany on SQLite."""
        count = 0
        if self.postgres:
            from psycopg.types.json import Jsonb

            json_at = [i for i, c in enumerate(columns) if table.c[c].type.__class__.__name__ == "JSON"]
            raw = db.session.connection().connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(
                    f'COPY {table.name} ({", ".join(f"{c!r}".replace(chr(39), chr(34)) for c in columns)}) '
                    "FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        row = tuple(Jsonb(v) if i in json_at and v is not None else v for i, v in enumerate(row))
                    copy.write_row(row)
                    count += 1
            return count
        batch, statement = [], table.insert()
        for row in rows:
            batch.append(dict(zip(columns, row, strict=True)))
            if len(batch) == 5000:
                db.session.execute(statement, batch)
                count, batch = count + len(batch), []
        if batch:
            db.session.execute(statement, batch)
            count += len(batch)
        return count

    def past(self, days: int):
        """A moment up to `days` days before now (and at least an hour before, so that it can be sealed)."""
        return self.now - timedelta(hours=1, seconds=self.rng.randrange(max(days, 1) * 86_400))


# --------------------------------------------------------------------------------------------- places, people
def phone_of(person_id: int) -> str:
    """Unique by construction: 7919 is prime to 10⁹, so the nine digits differ for every id below 10⁹."""
    return f"1{'35789'[person_id % 5]}{(person_id * 7919 + 1_234_567) % 1_000_000_000:09d}"


def community_layout(people: int, communities: int) -> tuple[int, callable]:
    """(size of community 1, community_of(person_id)): community 1 is the big new-residents' community."""
    big = min(max(people // 9, people // communities), people)
    rest = max(communities - 1, 1)

    def community_of(person_id: int) -> int:
        return 1 if person_id <= big or communities == 1 else 2 + (person_id - big - 1) % rest
    return big, community_of


def residents(loader: Loader, community_id: int, k: int) -> int:
    """The id of the k-th resident (0-based, wrapping) of a community."""
    big, total, communities = loader.context["big"], loader.context["people"], loader.context["communities"]
    if community_id == 1 or communities == 1:
        return 1 + k % big
    rest = communities - 1
    size = (total - big - (community_id - 2) + rest - 1) // rest
    return big + (community_id - 1) + rest * (k % max(size, 1))


def resident_count(loader: Loader, community_id: int) -> int:
    big, total, communities = loader.context["big"], loader.context["people"], loader.context["communities"]
    if community_id == 1 or communities == 1:
        return big
    rest = communities - 1
    return max((total - big - (community_id - 2) + rest - 1) // rest, 1)


def load_places(loader: Loader) -> None:
    from community.places.models import Community, Grid, Street

    streets = loader.n(len(STREETS)) if loader.scale < 1 else len(STREETS)
    streets = min(streets, len(STREETS))
    communities = max(loader.n(500), 2 * streets, 2)
    created = loader.now - timedelta(days=800)
    loader.write(Street.__table__, ("id", "name", "county", "created_at"),
                 ((s + 1, STREETS[s], COUNTY, created) for s in range(streets)))
    loader.write(Community.__table__, ("id", "street_id", "name", "created_at"),
                 ((c, 1 + (c - 1) % streets, f"{STREETS[(c - 1) % streets][:-2]}第{c}社区", created)
                  for c in range(1, communities + 1)))
    loader.write(Grid.__table__, ("id", "community_id", "name"),
                 ((4 * (c - 1) + g, c, f"第{g}网格") for c in range(1, communities + 1) for g in range(1, 5)))
    loader.context.update(streets=streets, communities=communities)


def _given_names(rng: random.Random, how_many: int) -> list[str]:
    names = set(GIVEN)
    while len(names) < how_many:
        names.add(rng.choice(GIVEN) + rng.choice(GIVEN))
    return sorted(names)


def load_people(loader: Loader) -> None:
    from community.people.models import Person

    rng, total = loader.rng, loader.n(1_000_000, 200)
    big, community_of = community_layout(total, loader.context["communities"])
    loader.context.update(people=total, big=big)
    given, keys, password = _given_names(rng, 2000), {}, hash_password(BENCH_PASSWORD)
    weights = [o[3] for o in ORIGINS]
    today = loader.now.date()
    columns = ("id", "name", "name_key", "phone", "password_hash", "gender", "born_on", "id_number_cipher",
               "id_number_digest", "id_number_masked", "hukou_place", "is_migrant", "community_id", "grid_id",
               "living_since_on", "residence_permit_no", "employer", "hometown", "has_political_rights",
               "is_active_account", "must_change_password", "created_at", "updated_at")

    protect = identity.id_number_protector()

    def rows():
        for pid in range(1, total + 5):
            community = 1 if pid > total else community_of(pid)
            street = STREETS[(community - 1) % loader.context["streets"]]
            origin = ORIGINS[0] if pid > total else rng.choices(ORIGINS, weights)[0]
            if community == 1 and pid <= total and rng.random() < 0.8:  # the new residents' community
                origin = rng.choice(ORIGINS[1:])
            place, hometown, region, _weight = origin
            place = place + street if hometown is None else place
            # Unique ID numbers: a permutation of the id gives the birth day (1950–2004) and the sequence number.
            spread = (pid * 7919) % 10_000_000
            born = date(1950, 1, 1) + timedelta(days=spread // 500)
            body = f"{region}{born:%Y%m%d}{(spread % 500) * 2 + (rng.random() < 0.52):03d}"
            number = body + identity.check_digit(body)
            name = rng.choice(SURNAMES) + rng.choice(given)
            key = keys.get(name)
            if key is None:
                key = keys[name] = name_key(name)
            migrant = is_migrant_by_place(place, COUNTY)
            since = born if not migrant else today - timedelta(days=rng.randint(60, 365 * 9))
            created = loader.past(700)
            cipher, digest, mask = protect(number)
            yield (pid, name, key, phone_of(pid), password, identity.gender_of(number), born,
                   cipher, digest, mask, place, migrant, community,
                   4 * (community - 1) + 1 + pid % 4, since,
                   f"浙居{rng.randint(10**9, 10**10 - 1)}" if migrant and rng.random() < 0.7 else None,
                   rng.choice(EMPLOYERS), hometown, True, True, False, created, created)
    loader.write(Person.__table__, columns, rows())
    loader.context["staff"] = list(range(total + 1, total + 5))  # the accounts with roles, after the residents


def load_roles(loader: Loader) -> None:
    """The administrators' roles, on the four people after the residents (see bench_login.txt)."""
    from community.roles.models import RoleGrant

    admin, street_admin, community_admin, organiser = loader.context["staff"]
    grants = [(admin, "platform_admin", "platform", 0), (street_admin, "street_admin", "street", 1),
              (community_admin, "community_admin", "community", 1), (organiser, "organiser", "community", 1)]
    loader.write(RoleGrant.__table__, ("person_id", "role", "scope_type", "scope_id", "granted_by_id", "granted_at"),
                 ((p, role, st, sid, None if p == admin else admin, loader.now - timedelta(days=30))
                  for p, role, st, sid in grants))
    loader.context["logins"] = [("平台管理员 platform admin", admin),
                                ("街道管理员 street admin (street 1)", street_admin),
                                ("社区管理员 community admin (community 1)", community_admin),
                                ("活动组织者 organiser (community 1)", organiser), ("居民 resident", 1)]


# --------------------------------------------------------------------------------------------- the command
def _app_tables():
    return [t for t in db.metadata.sorted_tables]


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in _app_tables()}


def existing_data() -> tuple[int, bool]:
    """(people in the database, whether they are exactly what the last bench load made)."""
    from community.people.models import Person
    from community.places.models import Street

    people = db.session.scalar(select(func.count(Person.id)))
    streets = db.session.scalar(select(func.count(Street.id)))
    marker = db.session.scalar(select(AuditEntry).where(AuditEntry.action == MARKER).order_by(AuditEntry.id.desc())
                               .limit(1))
    made = marker is not None and (marker.detail or {}).get("people") == people
    return people + streets, made


def empty_database() -> None:
    """Every application table emptied: TRUNCATE on PostgreSQL (row triggers such as the ledger's
    append-only guard do not fire); on SQLite the triggers are set aside while the rows go."""
    tables = _app_tables()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    triggers = db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    for name, _sql in triggers:
        db.session.execute(text(f'DROP TRIGGER "{name}"'))
    db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
    for table in reversed(tables):
        db.session.execute(table.delete())
    for _name, sql in triggers:
        db.session.execute(text(sql))


def move_sequences() -> None:
    """PostgreSQL: each serial id's sequence past the ids given (SQLite needs nothing)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _app_tables():
        column = table.c.get("id")
        if column is not None and isinstance(column.type, Integer) and column.primary_key:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608: names from the app's own metadata, no input
                                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))


def load(scale: float) -> Loader:
    """The whole load in one transaction (the caller's unit of work)."""
    from community.discussions.bench_data import load_reminders, load_requests
    from community.elections.bench_data import load_elections

    loader = Loader(scale)
    if loader.postgres:
        # Foreign keys are checked by a trigger per row: 15 million checks would take most of the budget. The
        # rows are consistent by construction (the tests load them on SQLite with foreign keys on, and on
        # PostgreSQL with the checks); a server role that may not skip them simply checks them.
        try:
            with db.session.begin_nested():
                db.session.execute(text("SET LOCAL session_replication_role = replica"))
        except Exception:  # noqa: BLE001 - not a superuser: keep the checks
            pass
    with loader.part("places"):
        load_places(loader)
    with loader.part("people"):
        load_people(loader)
    with loader.part("roles"):
        load_roles(loader)
    for name, step in registry().bench_steps:
        with loader.part(name):
            step(loader)
    with loader.part("requests"):
        load_requests(loader)
    with loader.part("elections"):
        load_elections(loader)
    with loader.part("reminders"):
        load_reminders(loader)
    with loader.part("sequences"):
        move_sequences()
    people = loader.context["people"] + len(loader.context["staff"])
    db.session.add(AuditEntry(action=MARKER, object_type="database", summary=f"flask bench-data --scale {scale}",
                              detail={"people": people, "scale": scale}, created_at=loader.now - timedelta(hours=1)))
    return loader


def register(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    registry(app).audit_kind(MARKER, _l("Benchmark data loaded"))

    @app.cli.command("bench-data")
    @click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0, min_open=True, max=1),
                  help="Share of the full city (1,000,000 people): 0.01 makes 10,000.")
    @click.option("--force", is_flag=True, help="Empty a database that holds other data, and load.")
    def bench_data(scale: float, force: bool):
        """Fill the database with a city's worth of benchmark data (one transaction; sealed afterwards)."""
        from community.database import unit_of_work
        from community.integrity import seal

        started = time.perf_counter()
        found, made = existing_data()
        if found and not made and not force:
            db.session.rollback()
            click.echo(f"✗ 数据库中已有不是 bench-data 生成的数据（人员和街道共 {found} 条），未写入任何数据；"
                       f"确认可以清空时加 --force。/ The database holds data bench-data did not make ({found} rows "
                       "of people and streets): nothing was written. Add --force to empty it and load.", err=True)
            raise click.exceptions.Exit(1)
        with unit_of_work():
            if found:
                empty_database()
            loader = load(scale)
        with_seal = time.perf_counter()
        if loader.postgres:
            db.session.execute(text("ANALYZE"))  # fresh statistics for the benchmark's plans
            db.session.commit()
        sealed = seal(loader.now)
        loader.timings.append(("seal", time.perf_counter() - with_seal))
        db.session.close()
        _write_logins(loader)
        for name, seconds in loader.timings:
            click.echo(f"  {name:<12} {seconds:8.1f} s")
        counts = table_counts()
        db.session.close()
        shown = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
        click.echo(f"封存 sealed: {json.dumps(sealed)}")
        took = time.perf_counter() - started
        click.echo(f"已生成基准数据 / bench data ready (scale {scale}) in {took:.1f} s: {shown}")


def _write_logins(loader: Loader) -> None:
    from community.people.models import Person

    lines = [f"基准数据账号（密码均为 {BENCH_PASSWORD}）/ bench accounts (every person's password is "
             f"{BENCH_PASSWORD}):"]
    for label, pid in loader.context["logins"]:
        phone = db.session.scalar(select(Person.phone).where(Person.id == pid))
        lines.append(f"  {label}: {phone} (id {pid})")
    path = Path(current_app.instance_path) / "bench_login.txt"
    path.write_text("\n".join(lines) + "\n")
    click.echo("\n".join(lines))
