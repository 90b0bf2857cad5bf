"""The asset library of the benchmark data set: audiences and assets (issue 13; see
bench/dataset.py for the partners).

Shape: ``--audiences`` audiences (default 200) whose rules use the partner row's own
fields only (region, country, partner type, status, tags), a fifth of them narrowed
to some roles inside the partner and a few holding everyone; exactly
BENCH_PARTNER_AUDIENCES of them hold the bench partner admin (a partner admin of the
bench partner). ``--assets`` assets (default 10,000) spread evenly over the
audiences: links, pages and files (a file with one version whose stored name is
fake: the library's list never opens the file), most published in the past, some
drafts, some scheduled, some expired; a few folders and tags.
"""

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

DEFAULT_ASSETS = 10_000
DEFAULT_AUDIENCES = 200
# How many of the audiences hold the bench partner admin (their rule selects the
# bench partner and their roles, if any, include partner_admin).
BENCH_PARTNER_AUDIENCES = 30
EVERYONE_AUDIENCES = 6
ROLES_SHARE = 0.2
# Roles of the bench partner admin's membership (see bench/dataset.py).
BENCH_ROLES = frozenset({"partner_admin"})
ROLE_CHOICES = (
    ["marketing"],
    ["sales", "partner_admin"],
    ["sales"],
    ["partner_admin", "marketing"],
)
CHUNK = 5_000

AUDIENCE_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "name",
    "description",
    "rule",
    "partner_roles",
    "is_active",
)
FOLDER_COLUMNS = ("id", "created_at", "updated_at", "public_id", "name", "parent_id")
TAG_COLUMNS = ("id", "name")
ASSET_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "kind",
    "title",
    "summary",
    "folder_id",
    "language",
    "product_lines",
    "audience_id",
    "url",
    "body",
    "publish_at",
    "expires_at",
    "current_version_id",
    "downloads",
    "search_text",
)
VERSION_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "asset_id",
    "number",
    "file",
    "original_name",
    "content_type",
    "size",
    "sha256",
)
ASSET_TAG_COLUMNS = ("id", "asset_id", "tag_id")

REGIONS = ("NA", "LATAM", "EMEA", "APAC")
TYPES = ("reseller", "msp", "system_integrator", "isv", "referral", "agency")
STATUSES = ("active", "onboarding", "suspended")
PARTNER_TAGS = ("gold-club", "early-access", "public-sector", "healthcare")
LANGUAGES = ("en", "en", "en", "de", "fr", "es", "ja", "")
PRODUCT_LINES = ("security", "networking", "storage", "cloud", "analytics")
FILE_TYPES = (
    ("pdf", "application/pdf"),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("mp4", "video/mp4"),
    ("png", "image/png"),
)
KINDS = (("file", 60), ("link", 25), ("page", 15))
SUBJECTS = ("Datasheet", "Brochure", "Battlecard", "Case study", "Playbook", "Webinar")
TOPICS = ("Firewall", "SD-WAN", "Backup", "Zero trust", "Data lake", "Edge", "Vault")
AUDIENCE_WORDS = ("Partners", "Resellers", "Builders", "Advisors", "Insiders")
FOLDERS = ("Sales kits", "Marketing", "Technical", "Training", "Events")
FOLDER_CHILDREN = ("Campaigns", "Datasheets", "Videos")
TAGS = (
    "launch",
    "pricing",
    "competitive",
    "webinar",
    "customer story",
    "how-to",
    "roadmap",
    "promotion",
    "certification",
    "events",
    "press",
    "analyst report",
)


def generate(
    *,
    assets: int,
    audiences: int,
    rng: random.Random,
    partners: list[tuple],
    bench_partner_id: int,
    when: Callable[[float], Any],
    insert: Callable[[Any, list[tuple]], None],
    new_uuid: Callable[[], Any],
    now: datetime | None = None,
) -> None:
    """Insert the audiences, folders, tags and assets (with their versions).

    ``partners`` are the generator's partner rows (id, ..., partner_type, status,
    country, region at 5-8); ``insert(table, rows)`` writes rows into a
    ``bench.dataset.Table``.
    """
    from django.db import connection

    from bench.dataset import Table
    from openprm.content.models import Asset, AssetVersion, Folder, Tag
    from openprm.segments.models import Audience

    adapt = connection.ops.adapt_datetimefield_value
    now = now or datetime.now(UTC)
    bench = partners[bench_partner_id - 1]
    countries = sorted({row[7] for row in partners})
    bench_row = {
        "partner_type": bench[5],
        "status": bench[6],
        "country": bench[7],
        "region": bench[8],
        "tags": [],
    }

    audience_rows = _audiences(
        rng,
        count=audiences,
        bench_row=bench_row,
        countries=countries,
        created=when(0.5),
        new_uuid=new_uuid,
    )
    insert(Table.of(Audience, AUDIENCE_COLUMNS), audience_rows)

    folders: list[tuple] = []
    for name in FOLDERS:
        folders.append((len(folders) + 1, when(0.5), when(0.5), new_uuid(), name, None))
    for parent in range(1, 3):
        for name in FOLDER_CHILDREN:
            folders.append(
                (len(folders) + 1, when(0.5), when(0.5), new_uuid(), name, parent)
            )
    insert(Table.of(Folder, FOLDER_COLUMNS), folders)
    insert(
        Table.of(Tag, TAG_COLUMNS),
        [(index, name) for index, name in enumerate(TAGS, start=1)],
    )

    asset_table = Table.of(Asset, ASSET_COLUMNS)
    version_table = Table.of(AssetVersion, VERSION_COLUMNS)
    asset_tag_table = Table.of(Asset.tags.through, ASSET_TAG_COLUMNS)
    kinds = [kind for kind, _ in KINDS]
    kind_weights = [weight for _, weight in KINDS]
    audience_ids = [row[0] for row in audience_rows]
    rows: list[tuple] = []
    versions: list[tuple] = []
    asset_tags: list[tuple] = []
    for asset_id in range(1, assets + 1):
        kind = rng.choices(kinds, kind_weights)[0]
        subject, topic = rng.choice(SUBJECTS), rng.choice(TOPICS)
        title = f"{topic} {subject.lower()} {asset_id}"
        summary = (
            f"{subject} on {topic} for partners selling "
            f"{rng.choice(PRODUCT_LINES)}: positioning, proof points and next steps."
        )
        lines = rng.sample(PRODUCT_LINES, rng.randrange(0, 3))
        tags = rng.sample(range(1, len(TAGS) + 1), rng.randrange(0, 3))
        publish_at, expires_at = _schedule(rng, now)
        created = when(asset_id / max(assets, 1))
        version_id = None
        if kind == "file":
            extension, content_type = rng.choice(FILE_TYPES)
            version_id = len(versions) + 1
            name = f"{topic.lower().replace(' ', '-')}-{asset_id}.{extension}"
            versions.append(
                (
                    version_id,
                    created,
                    created,
                    asset_id,
                    1,
                    f"content/assets/bench/{name}",
                    name,
                    content_type,
                    rng.randrange(50_000, 20_000_000),
                    f"{rng.getrandbits(256):064x}",
                )
            )
        search_text = " ".join(
            [title, summary, *(TAGS[tag - 1] for tag in tags)]
        ).lower()
        rows.append(
            (
                asset_id,
                created,
                created,
                new_uuid(),
                kind,
                title,
                summary,
                rng.randrange(1, len(folders) + 1) if rng.random() < 0.6 else None,
                rng.choice(LANGUAGES),
                json.dumps(lines),
                rng.choice(audience_ids),
                f"https://vendor.example/{asset_id}" if kind == "link" else "",
                f"<p>{summary}</p>" if kind == "page" else "",
                adapt(publish_at) if publish_at else None,
                adapt(expires_at) if expires_at else None,
                version_id,
                rng.randrange(0, 500),
                search_text,
            )
        )
        first = len(asset_tags) + 1
        asset_tags += [(first + index, asset_id, tag) for index, tag in enumerate(tags)]
        if len(rows) == CHUNK:
            insert(asset_table, rows)
            rows = []
    if rows:
        insert(asset_table, rows)
    insert(version_table, versions)
    insert(asset_tag_table, asset_tags)


def _schedule(
    rng: random.Random, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """publish_at, expires_at: 80% live (a tenth of them expiring later), 5%
    drafts, 7% scheduled, 8% expired. Future dates are months ahead, so that a
    data set reused within weeks shows the same live assets."""
    draw = rng.random()
    past = now - timedelta(days=rng.uniform(60, 2 * 365))
    if draw < 0.80:
        later = now + timedelta(days=rng.uniform(90, 365))
        return past, later if rng.random() < 0.1 else None
    if draw < 0.85:
        return None, None
    if draw < 0.92:
        return now + timedelta(days=rng.uniform(90, 365)), None
    return past, now - timedelta(days=rng.uniform(1, 59))


def _audiences(
    rng: random.Random,
    *,
    count: int,
    bench_row: dict[str, Any],
    countries: list[str],
    created: Any,
    new_uuid: Callable[[], Any],
) -> list[tuple]:
    """Audience rows; BENCH_PARTNER_AUDIENCES of them (or all, when fewer) hold the
    bench partner admin, the others do not."""
    holders = set(rng.sample(range(count), min(BENCH_PARTNER_AUDIENCES, count)))
    rows = []
    for index in range(count):
        everyone = index % (count // EVERYONE_AUDIENCES or 1) == 0
        roles: list[str] = []
        if rng.random() < ROLES_SHARE:
            roles = list(rng.choice(ROLE_CHOICES))
        if index in holders:
            if roles and not BENCH_ROLES & set(roles):
                roles = ["sales", "partner_admin"]
            rule = {"all": []} if everyone else _holding_rule(rng, bench_row, countries)
        else:
            while True:
                rule = {"all": []} if everyone else _random_rule(rng, countries)
                if not _holds(rule, bench_row) or (
                    roles and not BENCH_ROLES & set(roles)
                ):
                    break
                if everyone:  # everyone: only roles can leave the admin out
                    roles = ["marketing"]
                    break
        name = f"{rng.choice(AUDIENCE_WORDS)} {index + 1}"
        rows.append(
            (
                index + 1,
                created,
                created,
                new_uuid(),
                name,
                "",
                json.dumps(rule),
                json.dumps(roles),
                True,
            )
        )
    return rows


def _leaf(rng: random.Random, countries: list[str]) -> dict:
    fields = ("region", "region", "country", "partner_type", "status", "tags")
    field = rng.choice(fields)
    if field == "region":
        if rng.random() < 0.5:
            return {"field": "region", "op": "eq", "value": rng.choice(REGIONS)}
        return {"field": "region", "op": "in", "value": rng.sample(REGIONS, 2)}
    if field == "country":
        return {"field": "country", "op": "in", "value": rng.sample(countries, 3)}
    if field == "partner_type":
        return {"field": "partner_type", "op": "eq", "value": rng.choice(TYPES)}
    if field == "status":
        return {"field": "status", "op": "eq", "value": rng.choice(STATUSES)}
    return {"field": "tags", "op": "any", "value": rng.sample(PARTNER_TAGS, 2)}


def _random_rule(rng: random.Random, countries: list[str]) -> dict:
    leaves = [_leaf(rng, countries) for _ in range(rng.randrange(1, 4))]
    return {rng.choice(("all", "all", "any")): leaves}


def _holding_rule(
    rng: random.Random, bench_row: dict[str, Any], countries: list[str]
) -> dict:
    """A rule that selects the bench partner (and others like it)."""
    options = [
        {"field": "region", "op": "eq", "value": bench_row["region"]},
        {
            "field": "region",
            "op": "in",
            "value": sorted(
                {bench_row["region"], rng.choice(REGIONS)}, key=REGIONS.index
            ),
        },
        {
            "field": "country",
            "op": "in",
            "value": sorted({bench_row["country"], *rng.sample(countries, 2)}),
        },
        {"field": "partner_type", "op": "eq", "value": bench_row["partner_type"]},
        {"field": "status", "op": "eq", "value": bench_row["status"]},
    ]
    chosen = rng.sample(options, rng.randrange(1, 3))
    if rng.random() < 0.3:  # an "any" with one condition that holds
        return {"any": [chosen[0], _leaf(rng, countries)]}
    return {"all": chosen}


def _holds(rule: dict, row: dict[str, Any]) -> bool:
    """Whether a rule of this module's shapes selects the partner ``row``."""
    if "all" in rule:
        return all(_holds(child, row) for child in rule["all"])
    if "any" in rule:
        return any(_holds(child, row) for child in rule["any"])
    value, op = row[rule["field"]], rule["op"]
    if op == "eq":
        return value == rule["value"]
    if op == "in":
        return value in rule["value"]
    return bool(set(value) & set(rule["value"]))  # any


def models() -> list:
    """The models whose id sequences move past the inserted rows (PostgreSQL)."""
    from openprm.content.models import Asset, AssetVersion, Folder, Tag
    from openprm.segments.models import Audience

    return [Audience, Folder, Tag, Asset, AssetVersion, Asset.tags.through]


def counts(bench_partner_id: int) -> dict[str, int]:
    """Row counts, and the live assets the bench partner admin may see (what the
    library scenario pages through)."""
    from openprm.content.library.selectors import live_q
    from openprm.content.models import Asset
    from openprm.segments.audiences import AudienceReader, matching_audience_ids
    from openprm.segments.models import Audience

    reader = AudienceReader(partner_id=bench_partner_id, roles=BENCH_ROLES)
    held = matching_audience_ids(reader) if bench_partner_id else []
    return {
        "assets": Asset.objects.count(),
        "audiences": Audience.objects.count(),
        "bench_partner_audiences": len(held),
        "bench_partner_library_assets": Asset.objects.filter(
            live_q(), audience_id__in=held
        ).count(),
    }
