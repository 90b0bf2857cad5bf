"""The synthetic data set: many partners, their users and memberships, one vendor admin.

Built into a fresh database (the SQLite file is deleted; the PostgreSQL database is
dropped and recreated), migrated with ``openprm migrate``, then filled with bulk
inserts of tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. No model
instances are built, so 100,000 partners take seconds. A fixed seed gives the same
rows every time.

Shape: 2% of the partners are distributors at the top; 35% of the others sit beneath
one of them (``path`` "/<parent>/<id>/", depth 1); the rest are top-level ("/<id>/",
depth 0). Partners whose status has users (onboarding, active, suspended) get 0-4
users each, ``--members-per-partner`` on average, each with one membership.

Columns the generator does not name (fields added later) get the model field's
default; a NOT NULL column without one stops the build with a message.
"""

import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import (
    dataset_content,
    dataset_deals,
    dataset_funds,
    dataset_leads,
    dataset_learning,
)
from bench.dataset_fill import Fill
from bench.environment import (
    BenchDatabase,
    configure_django,
    openprm,
    postgres_database_name,
)
from bench.processes import BenchError

GENERATOR_VERSION = 5
DEFAULT_SEED = 2026
DEFAULT_PARTNERS = 100_000
DEFAULT_MEMBERS_PER_PARTNER = 1.5
MAX_MEMBERS_PER_PARTNER = 4
DEFAULT_AUDIT_ENTRIES = 100_000

# The vendor-staff user the authenticated scenarios sign in as.
BENCH_USER_EMAIL = "bench.admin@openprm.example"
# A known password for a throwaway data set, not a secret.
BENCH_USER_PASSWORD = "bench-only-password"  # noqa: S105
# The partner admin whose API token the token scenarios send; their organisation
# (the "bench partner", the first active reseller-like partner) owns
# BENCH_PARTNER_AUDIT_SHARE of the audit entries.
BENCH_PARTNER_EMAIL = "bench.partner@openprm.example"
# A known token for a throwaway data set, not a secret (stored hashed, as usual).
BENCH_TOKEN = "opr_bench-only-token-for-a-throwaway-data-set"  # noqa: S105
BENCH_PARTNER_AUDIT_SHARE = 0.05
# Entries about no partner (users, settings), written by the system.
SYSTEM_AUDIT_SHARE = 0.1

DISTRIBUTOR_SHARE = 0.02
CHILD_SHARE = 0.35
CREATED_FROM = datetime(2023, 1, 1, tzinfo=UTC)
CREATED_SPAN = timedelta(days=3 * 365)
ROLE_SETS = [["sales"], ["marketing"], ["sales", "marketing"], ["finance"], ["learner"]]

PARTNER_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "name",
    "partner_type",
    "status",
    "country",
    "region",
    "city",
    "website",
    "parent_id",
    "path",
    "depth",
)
USER_COLUMNS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "public_id",
    "email",
    "full_name",
    "vendor_role",
    "is_active",
    "is_staff",
    "date_joined",
)
MEMBERSHIP_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "roles",
    "is_active",
    "partner_id",
    "user_id",
)
API_TOKEN_COLUMNS = (
    "id",
    "user_id",
    "name",
    "prefix",
    "key_hash",
    "created_at",
    "last_used_at",
    "revoked_at",
)
AUDIT_ENTRY_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "token_id",
    "token_label",
    "action",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "partner_id",
    "changes",
    "request_id",
    "client_ip",
)

Say = Callable[[str], None]
Row = tuple[Any, ...]


@dataclass(frozen=True)
class DatasetSpec:
    partners: int
    members_per_partner: float
    seed: int
    audit_entries: int = DEFAULT_AUDIT_ENTRIES
    deals: int = dataset_deals.DEFAULT_DEALS
    assets: int = dataset_content.DEFAULT_ASSETS
    audiences: int = dataset_content.DEFAULT_AUDIENCES
    courses: int = dataset_learning.DEFAULT_COURSES
    fund_requests: int = dataset_funds.DEFAULT_FUND_REQUESTS
    fund_ledger_entries: int = dataset_funds.DEFAULT_LEDGER_ENTRIES
    leads: int = dataset_leads.DEFAULT_LEADS

    def as_dict(self) -> dict[str, Any]:
        return {"generator": GENERATOR_VERSION, **asdict(self)}


@dataclass(frozen=True)
class Dataset:
    spec: DatasetSpec
    counts: dict[str, int]
    reused: bool
    build_seconds: float
    # The organisation of BENCH_PARTNER_EMAIL (the token scenarios' partner).
    bench_partner_id: int = 0


def prepare(
    database: BenchDatabase, spec: DatasetSpec, *, reuse: bool, say: Say
) -> Dataset:
    """A database holding the data set of ``spec``: reused when asked and intact,
    else rebuilt from scratch. Leaves this process's Django configured for it."""
    configure_django(database)
    manifest_path = database.var_dir / "dataset.json"
    if reuse:
        problem = _reuse_problem(database, spec)
        if problem is None:
            manifest = json.loads(manifest_path.read_text())
            say(f"Reusing the data set in {database.label}")
            return Dataset(
                spec,
                manifest["counts"],
                reused=True,
                build_seconds=0.0,
                bench_partner_id=manifest["bench_partner_id"],
            )
        say(f"Not reusing the data set: {problem}")

    from django.db import connections

    connections.close_all()
    manifest_path.unlink(missing_ok=True)
    say(f"Creating a fresh database: {database.label}")
    _fresh_database(database)
    openprm(database, "migrate", "--no-input", "--verbosity", "0")
    say(
        f"Generating {spec.partners:,} partners "
        f"(seed {spec.seed}, {spec.members_per_partner} members per partner with users)"
    )
    started = time.perf_counter()
    _generate(spec)
    counts = row_counts()
    seconds = time.perf_counter() - started
    say(
        "Generated {partners:,} partners, {users:,} users, {memberships:,} memberships"
        ", {audit_entries:,} audit entries ({bench_partner_audit_entries:,} of the"
        " bench partner), {assets:,} assets for {audiences:,} audiences"
        " ({bench_partner_library_assets:,} live ones for the bench partner admin)"
        " in {seconds:.1f} s".format(seconds=seconds, **counts)
    )
    partner_id = bench_partner_id()
    manifest = {
        **spec.as_dict(),
        "database": database.label,
        "migrations": migrations_fingerprint(),
        "counts": counts,
        "bench_partner_id": partner_id,
        "build_seconds": round(seconds, 2),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return Dataset(
        spec, counts, reused=False, build_seconds=seconds, bench_partner_id=partner_id
    )


def row_counts() -> dict[str, int]:
    from openprm.accounts.models import User
    from openprm.core.models import AuditEntry
    from openprm.partners.models import Partner
    from openprm.tenancy.models import Membership

    return {
        "partners": Partner.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
        "bench_partner_audit_entries": AuditEntry.objects.filter(
            partner_id=bench_partner_id()
        ).count(),
        **dataset_deals.counts(bench_partner_id()),
        **dataset_content.counts(bench_partner_id()),
        **dataset_learning.counts(bench_partner_id()),
        **dataset_funds.counts(bench_partner_id()),
        **dataset_leads.counts(bench_partner_id()),
    }


def bench_partner_id() -> int:
    """The organisation of the bench partner admin (0 when there is none)."""
    from openprm.tenancy.models import Membership

    membership = Membership.objects.filter(user__email=BENCH_PARTNER_EMAIL).first()
    return membership.partner_id if membership else 0


def migrations_fingerprint() -> str:
    """A hash of every migration file: a changed schema means a new data set."""
    from django.apps import apps

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _reuse_problem(database: BenchDatabase, spec: DatasetSpec) -> str | None:
    """Why the existing data set cannot be reused, or None when it can."""
    from django.db import DatabaseError, connections

    from openprm.accounts.models import User

    manifest_path = database.var_dir / "dataset.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return "no data set manifest yet"
    if {key: manifest.get(key) for key in spec.as_dict()} != spec.as_dict():
        return "it was built with other sizes or another seed"
    if manifest.get("database") != database.label:
        return "it was built in another database"
    if manifest.get("migrations") != migrations_fingerprint():
        return "the migrations changed since it was built"
    try:
        counts = row_counts()
        has_user = User.objects.filter(
            email=BENCH_USER_EMAIL, vendor_role="vendor_admin"
        ).exists()
        has_partner = bench_partner_id() == manifest.get("bench_partner_id")
    except DatabaseError as exc:
        return f"the database cannot be read ({exc.__class__.__name__})"
    finally:
        connections.close_all()
    if counts != manifest.get("counts"):
        return f"the row counts changed ({counts})"
    if not has_user:
        return "the benchmark user is missing"
    if not has_partner:
        return "the bench partner admin is missing"
    return None


def _fresh_database(database: BenchDatabase) -> None:
    if database.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            database.sqlite_path.with_name(database.sqlite_path.name + suffix).unlink(
                missing_ok=True
            )
        return
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    name = postgres_database_name(database.url)
    if "bench" not in name:  # checked by bench_database(); never drop anything else
        raise BenchError(f"Refusing to drop database {name!r}")
    maintenance = make_conninfo(database.url, dbname="postgres")
    try:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise BenchError(
            f"Could not recreate PostgreSQL database {name!r}: {exc}"
        ) from exc


@dataclass(frozen=True)
class Table:
    """Where the rows of a model go: the generator's columns, then the others."""

    name: str
    columns: tuple[str, ...]
    defaults: Row  # values of the columns after the generator's own

    @classmethod
    def of(cls, model: Any, generated: Sequence[str]) -> "Table":
        from django.db import connection

        fields = {field.column: field for field in model._meta.concrete_fields}
        if missing := [column for column in generated if column not in fields]:
            raise BenchError(
                f"{model.__name__} has no column {missing}: update bench/dataset.py"
            )
        others = [column for column in fields if column not in generated]
        defaults = []
        for column in others:
            field = fields[column]
            value = field.get_default()
            if value is None and not field.null:
                raise BenchError(
                    f"{model.__name__}.{field.name} is NOT NULL without a default: "
                    "give it a value in bench/dataset.py"
                )
            defaults.append(field.get_db_prep_save(value, connection))
        return cls(model._meta.db_table, (*generated, *others), tuple(defaults))

    def insert(self, cursor: Any, rows: list[Row]) -> None:
        if self.defaults:
            rows = [row + self.defaults for row in rows]
        _insert(cursor, self.name, self.columns, rows)


def _insert(cursor: Any, table: str, columns: Sequence[str], rows: list[Row]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    quote = connection.ops.quote_name
    # Table and column names come from the models, not from input.
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(table), ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
    )
    cursor.executemany(statement, rows)


def _generate(spec: DatasetSpec) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from openprm.accounts.models import ApiToken, User
    from openprm.accounts.tokens.keys import SHOWN_PREFIX_LENGTH, hash_token
    from openprm.core.models import AuditEntry
    from openprm.demo.ecosystem import (
        COUNTRIES,
        NAME_FIRST,
        NAME_SECOND,
        NAME_SUFFIX,
        PEOPLE_FIRST,
        PEOPLE_LAST,
        STANDALONE_TYPES,
        STATUS_WEIGHTS,
        STATUSES_WITH_USERS,
    )
    from openprm.partners.choices import PartnerStatus, PartnerType
    from openprm.partners.models import Partner
    from openprm.tenancy.models import Membership

    partner_table = Table.of(Partner, PARTNER_COLUMNS)
    user_table = Table.of(User, USER_COLUMNS)
    membership_table = Table.of(Membership, MEMBERSHIP_COLUMNS)
    token_table = Table.of(ApiToken, API_TOKEN_COLUMNS)
    audit_table = Table.of(AuditEntry, AUDIT_ENTRY_COLUMNS)

    rng = random.Random(spec.seed)
    native_uuid = connection.features.has_native_uuid_field
    adapt_datetime = connection.ops.adapt_datetimefield_value

    def new_uuid() -> uuid.UUID | str:
        value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return value if native_uuid else value.hex

    def created(fraction: float) -> Any:
        return adapt_datetime(CREATED_FROM + CREATED_SPAN * fraction)

    # Plain strings (not enum members) for the database drivers.
    types = [str(choice.value) for choice, _ in STANDALONE_TYPES]
    type_weights = [weight for _, weight in STANDALONE_TYPES]
    statuses = [str(choice.value) for choice, _ in STATUS_WEIGHTS]
    status_weights = [weight for _, weight in STATUS_WEIGHTS]
    with_users = {str(status.value) for status in STATUSES_WITH_USERS}
    suffixes = {str(kind.value): words for kind, words in NAME_SUFFIX.items()}
    places = [
        (country, str(region.value), cities) for country, region, cities in COUNTRIES
    ]
    distributor = str(PartnerType.DISTRIBUTOR.value)
    active = str(PartnerStatus.ACTIVE.value)

    partner_count = spec.partners
    distributors = max(1, round(partner_count * DISTRIBUTOR_SHARE))
    member_chance = spec.members_per_partner / MAX_MEMBERS_PER_PARTNER
    password = make_password(BENCH_USER_PASSWORD)  # one hash, shared by every user

    users: list[Row] = [
        (
            1,
            password,
            None,
            False,
            new_uuid(),
            BENCH_USER_EMAIL,
            "Bench Admin",
            "vendor_admin",
            True,
            False,
            created(0.0),
        )
    ]
    partners: list[Row] = []
    memberships: list[Row] = []
    name_uses: dict[str, int] = {}
    for partner_id in range(1, partner_count + 1):
        if partner_id <= distributors:
            kind, status, parent = distributor, active, None
        else:
            kind = rng.choices(types, type_weights)[0]
            status = rng.choices(statuses, status_weights)[0]
            parent = (
                rng.randint(1, distributors) if rng.random() < CHILD_SHARE else None
            )
        country, region, cities = rng.choice(places)
        base = (
            f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} "
            f"{rng.choice(suffixes[kind])}"
        )
        uses = name_uses.get(base, 0)
        name_uses[base] = uses + 1
        name = base if uses == 0 else f"{base} {uses + 1}"
        when = created(partner_id / partner_count)
        partners.append(
            (
                partner_id,
                when,
                when,
                new_uuid(),
                name,
                kind,
                status,
                country,
                region,
                rng.choice(cities),
                f"https://{name.lower().replace(' ', '-')}.example",
                parent,
                f"/{parent}/{partner_id}/" if parent else f"/{partner_id}/",
                1 if parent else 0,
            )
        )
        if status not in with_users:
            continue
        members = sum(
            rng.random() < member_chance for _ in range(MAX_MEMBERS_PER_PARTNER)
        )
        for index in range(members):
            user_id = len(users) + 1
            users.append(
                (
                    user_id,
                    password,
                    None,
                    False,
                    new_uuid(),
                    f"user{user_id}@partner{partner_id}.bench.example",
                    f"{rng.choice(PEOPLE_FIRST)} {rng.choice(PEOPLE_LAST)}",
                    "",
                    True,
                    False,
                    when,
                )
            )
            roles = ["partner_admin"] if index == 0 else rng.choice(ROLE_SETS)
            memberships.append(
                (
                    len(memberships) + 1,
                    when,
                    when,
                    json.dumps(roles),
                    rng.random() < 0.95,
                    partner_id,
                    user_id,
                )
            )

    # The bench partner admin and their API token (stored hashed, as the product
    # does), for the scenarios that authenticate with a bearer token.
    bench_partner = next(
        row for row in partners if row[5] != distributor and row[6] == active
    )
    partner_admin_id = len(users) + 1
    users.append(
        (
            partner_admin_id,
            password,
            None,
            False,
            new_uuid(),
            BENCH_PARTNER_EMAIL,
            "Bench Partner Admin",
            "",
            True,
            False,
            created(0.0),
        )
    )
    memberships.append(
        (
            len(memberships) + 1,
            created(0.0),
            created(0.0),
            json.dumps(["partner_admin"]),
            True,
            bench_partner[0],
            partner_admin_id,
        )
    )
    tokens = [
        (
            1,
            partner_admin_id,
            "bench",
            BENCH_TOKEN[:SHOWN_PREFIX_LENGTH],
            hash_token(BENCH_TOKEN),
            created(0.0),
            None,
            None,
        )
    ]
    audit_entries = _audit_entries(
        rng,
        count=spec.audit_entries,
        partners=partners,
        bench_partner_id=bench_partner[0],
        when=created,
    )

    with transaction.atomic(), connection.cursor() as cursor:
        partner_table.insert(cursor, partners)
        user_table.insert(cursor, users)
        membership_table.insert(cursor, memberships)
        token_table.insert(cursor, tokens)
        audit_table.insert(cursor, audit_entries)
        fill = Fill(
            partners=partners,
            bench_partner_id=bench_partner[0],
            active=active,
            when=created,
            insert=lambda table, rows: table.insert(cursor, rows),
            new_uuid=new_uuid,
        )
        dataset_deals.generate(
            count=spec.deals, rng=random.Random(spec.seed + 1), fill=fill
        )
        dataset_leads.generate(
            count=spec.leads, rng=random.Random(spec.seed + 5), fill=fill
        )
        dataset_content.generate(
            assets=spec.assets,
            audiences=spec.audiences,
            rng=random.Random(spec.seed + 2),
            partners=partners,
            bench_partner_id=bench_partner[0],
            when=created,
            insert=lambda table, rows: table.insert(cursor, rows),
            new_uuid=new_uuid,
        )
        dataset_learning.generate(
            courses=spec.courses,
            audiences=spec.audiences,
            rng=random.Random(spec.seed + 3),
            when=created,
            insert=lambda table, rows: table.insert(cursor, rows),
            new_uuid=new_uuid,
        )
        dataset_funds.generate(
            requests=spec.fund_requests,
            entries=spec.fund_ledger_entries,
            rng=random.Random(spec.seed + 4),
            partners=partners,
            bench_partner_id=bench_partner[0],
            active=active,
            admin_user_id=1,
            insert=lambda table, rows: table.insert(cursor, rows),
            new_uuid=new_uuid,
        )
        # Explicit ids: move PostgreSQL's sequences past them (SQLite needs nothing).
        for statement in connection.ops.sequence_reset_sql(
            no_style(),
            [
                Partner,
                User,
                Membership,
                ApiToken,
                AuditEntry,
                *dataset_deals.models(),
                *dataset_content.models(),
                *dataset_learning.models(),
                *dataset_funds.models(),
                *dataset_leads.models(),
            ],
        ):
            cursor.execute(statement)
    # Fresh planner statistics, as autovacuum (PostgreSQL) would gather by itself soon
    # after a bulk load; doing it now keeps it from happening in the middle of a run.
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        )


AUDIT_UPDATES = (
    ("partner.status_changed", "status", ("onboarding", "active", "suspended")),
    ("partner.updated", "city", ("Berlin", "Lyon", "Austin", "Osaka", "Leeds")),
    ("partner.updated", "website", ("https://a.example", "https://b.example")),
)


def _audit_entries(
    rng: random.Random,
    *,
    count: int,
    partners: list[Row],
    bench_partner_id: int,
    when: Callable[[float], Any],
) -> list[Row]:
    """Audit entries over three years, newest last: BENCH_PARTNER_AUDIT_SHARE about
    the bench partner, SYSTEM_AUDIT_SHARE about no partner, the rest about random
    partners; made by the vendor admin (user 1) or by the system."""
    rows: list[Row] = []
    for entry_id in range(1, count + 1):
        draw = rng.random()
        if draw < BENCH_PARTNER_AUDIT_SHARE:
            partner = partners[bench_partner_id - 1]
        elif draw < BENCH_PARTNER_AUDIT_SHARE + SYSTEM_AUDIT_SHARE:
            partner = None
        else:
            partner = partners[rng.randrange(len(partners))]
        by_admin = rng.random() < 0.7
        if partner is None:
            action, verb, object_type = "update", "settings.changed", "core.setting"
            object_id, object_repr = str(rng.randint(1, 20)), "Settings"
            value = rng.randint(1, 9)
            changes: dict[str, list[Any]] = {"value": [value, value + 1]}
        else:
            object_type, object_id, object_repr = (
                "partners.partner",
                str(partner[0]),
                partner[4],
            )
            if rng.random() < 0.3:
                action, verb = "create", "partner.created"
                changes = {"name": [None, partner[4]], "status": [None, partner[6]]}
            else:
                action = "update"
                verb, field, values = rng.choice(AUDIT_UPDATES)
                before, after = rng.sample(values, 2)
                changes = {field: [before, after]}
        rows.append(
            (
                entry_id,
                when(entry_id / max(count, 1)),
                1 if by_admin else None,
                BENCH_USER_EMAIL if by_admin else "",
                None,
                "",
                action,
                verb,
                object_type,
                object_id,
                object_repr,
                partner[0] if partner else None,
                json.dumps(changes),
                f"{rng.getrandbits(128):032x}",
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                if by_admin
                else None,
            )
        )
    return rows
