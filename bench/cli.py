"""``python -m bench`` (``make bench``): build the data set, serve, load, report."""

import argparse
import importlib.metadata
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench import processes, report
from bench.dataset import (
    BENCH_PARTNER_EMAIL,
    BENCH_TOKEN,
    BENCH_USER_EMAIL,
    BENCH_USER_PASSWORD,
    DEFAULT_AUDIT_ENTRIES,
    DEFAULT_MEMBERS_PER_PARTNER,
    DEFAULT_PARTNERS,
    DEFAULT_SEED,
    MAX_MEMBERS_PER_PARTNER,
    Dataset,
    DatasetSpec,
    prepare,
)
from bench.dataset_content import DEFAULT_ASSETS, DEFAULT_AUDIENCES
from bench.dataset_deals import DEFAULT_DEALS
from bench.dataset_funds import DEFAULT_FUND_REQUESTS, DEFAULT_LEDGER_ENTRIES
from bench.dataset_leads import DEFAULT_LEADS
from bench.dataset_learning import DEFAULT_COURSES
from bench.environment import (
    BENCH_DIR,
    RESULTS_DIR,
    BenchDatabase,
    bench_database,
    openprm,
)
from bench.load import LoadResult, LoadSettings, LoadTool, load_tool
from bench.processes import BenchError
from bench.scenarios import SCENARIOS, Scenario, pages_for, select
from bench.server import free_port, request, serving, settle, sign_in


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Benchmark OpenPRM as `openprm serve` runs it (granian, WSGI) on a large "
            "synthetic data set, loaded from 127.0.0.1 by wrk (or a built-in Python "
            "load generator). Every scenario is compared with two baselines measured "
            "in the same run: the framework ceiling and the raw floor of its query. "
            "SQLite by default (bench/results/sqlite/); PostgreSQL when DATABASE_URL "
            "is set, which must name a THROWAWAY database (it is dropped and "
            "recreated; its name must contain 'bench')."
        ),
        epilog="See bench/README.md.",
    )
    data = parser.add_argument_group("data set")
    data.add_argument(
        "--partners",
        type=int,
        default=DEFAULT_PARTNERS,
        help="partners to generate (default: %(default)s)",
    )
    data.add_argument(
        "--members-per-partner",
        type=float,
        default=DEFAULT_MEMBERS_PER_PARTNER,
        help="average users (one membership each) per partner whose status has users "
        f"(0 to {MAX_MEMBERS_PER_PARTNER}) (default: %(default)s)",
    )
    data.add_argument(
        "--audit-entries",
        type=int,
        default=DEFAULT_AUDIT_ENTRIES,
        help="audit entries to generate, 5%% of them about the bench partner "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--deals",
        type=int,
        default=DEFAULT_DEALS,
        help="deal registrations to generate, with one line each, 5%% of them the "
        "bench partner's (default: %(default)s)",
    )
    data.add_argument(
        "--assets",
        type=int,
        default=DEFAULT_ASSETS,
        help="library assets to generate, spread over the audiences "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--audiences",
        type=int,
        default=DEFAULT_AUDIENCES,
        help="audiences to generate, 30 of them holding the bench partner admin "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--courses",
        type=int,
        default=DEFAULT_COURSES,
        help="courses to generate, spread over the audiences, with their modules, "
        "lessons and paths (default: %(default)s)",
    )
    data.add_argument(
        "--fund-requests",
        type=int,
        default=DEFAULT_FUND_REQUESTS,
        help="marketing fund requests to generate, 2%% of them the bench "
        "partner's, with their approvals (default: %(default)s)",
    )
    data.add_argument(
        "--fund-ledger-entries",
        type=int,
        default=DEFAULT_LEDGER_ENTRIES,
        help="fund ledger entries to generate over the requests' allocations "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--leads",
        type=int,
        default=DEFAULT_LEADS,
        help="leads to generate, 5%% of the held ones the bench partner's "
        "(default: %(default)s)",
    )
    data.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="random seed (default: %(default)s)",
    )
    data.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the existing data set when it was built with the same sizes and "
        "seed and is intact (else it is rebuilt)",
    )
    data.add_argument(
        "--import-rows",
        default="",
        help="sizes of the partner import measured after the scenarios, "
        "comma-separated, e.g. 100000,1000000; 0 skips it (default: 100000 for a "
        "full run, 0 with --scenarios; see bench/import_rate.py)",
    )
    data.add_argument(
        "--accreditation-partners",
        default="",
        help="numbers of partners (20 certified people each) whose accreditations "
        "are recomputed after the scenarios, comma-separated; 0 skips it (default: "
        "1000,10000 for a full run, 0 with --scenarios; see "
        "bench/accreditation_rate.py)",
    )
    data.add_argument(
        "--tier-partners",
        default="",
        help="numbers of enrolled partners (12 months of rollup each) whose tiers "
        "are evaluated after the scenarios, comma-separated; 0 skips it (default: "
        "1000,10000 for a full run, 0 with --scenarios; see "
        "bench/tier_evaluation_rate.py)",
    )
    data.add_argument(
        "--sales-lines",
        default="",
        help="sizes of the sales data import measured after the scenarios against "
        "a raw bulk insert, comma-separated, e.g. 100000,1000000; 0 skips it "
        "(default: 100000,1000000 for a full run, 0 with --scenarios; see "
        "bench/sales_import_rate.py)",
    )
    data.add_argument(
        "--ledger-entries",
        default="",
        help="sizes of the points ledger under the portal's balance and history "
        "page, comma-separated, e.g. 100000,1000000; 0 skips it (default: "
        "100000,1000000 for a full run, 0 with --scenarios; see "
        "bench/earnings_page.py)",
    )
    data.add_argument(
        "--rollup-facts",
        default="",
        help="sizes (sales lines over 10,000 partners) at which the portal home and "
        "the executive dashboard are measured over the rollups against their raw "
        "floors after the scenarios, comma-separated; 0 skips it (default: "
        "1000000,10000000 for a full run, 0 with --scenarios; see "
        "bench/rollup_pages.py)",
    )
    data.add_argument(
        "--deal-conflict-rows",
        type=int,
        default=0,
        help="registrations (and as many CRM accounts) the deal conflict check is "
        "measured against after the scenarios, e.g. 1000000; 0 skips it (see "
        "bench/deal_conflicts.py)",
    )
    data.add_argument(
        "--deal-conflict-labels",
        type=int,
        default=300,
        help="labelled registrations of each kind (same domain, same name, fuzzy) "
        "whose recall the deal conflict check reports",
    )
    data.add_argument(
        "--search-rows",
        default="",
        help="sizes (partners, and as many deals) at which the directory's and the "
        "deal API's search are timed with and without their index after the "
        "scenarios, comma-separated, e.g. 100000,1000000; empty skips it (see "
        "bench/search_time.py)",
    )
    data.add_argument(
        "--cobranded-copies",
        type=int,
        default=None,
        help="partners whose co-branded copy of a 10-page PDF is measured cold and "
        "warm after the scenarios; 0 skips it (default: 8 for a full run, 0 with "
        "--scenarios; see bench/cobranding.py)",
    )
    data.add_argument(
        "--webhook-rates",
        default="",
        help="events per second at which webhook latency from commit to receipt is "
        "measured after the scenarios, comma-separated; 0 skips it (default: 50,500 "
        "for a full run, 0 with --scenarios; see bench/webhook_latency.py)",
    )
    data.add_argument(
        "--crm-accounts",
        type=int,
        default=0,
        help="partners and CRM accounts of the initial CRM sync measured against "
        "the local BottleCRM after the scenarios, e.g. 1000; 0 skips it (see "
        "bench/crm_sync.py)",
    )
    data.add_argument(
        "--crm-changes",
        type=int,
        default=20,
        help="partner changes timed from commit to arrival in the CRM",
    )
    data.add_argument(
        "--webhook-duration",
        type=float,
        default=60.0,
        help="seconds each webhook rate is sustained (default: %(default)s; e.g. 10 "
        "for a quick run)",
    )
    load = parser.add_argument_group("load")
    load.add_argument(
        "--scenarios",
        default="",
        help="comma-separated scenario names (default: all); the baselines they are "
        "compared with always run too",
    )
    load.add_argument(
        "--list-scenarios", action="store_true", help="list the scenarios and exit"
    )
    load.add_argument(
        "--duration",
        type=int,
        default=10,
        help="seconds of load per scenario and round (default: %(default)s)",
    )
    load.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="seconds of unrecorded load per scenario (default: %(default)s)",
    )
    load.add_argument(
        "--deep-pages",
        action="store_true",
        help="rotate paged scenarios over pages spread across the whole table "
        "(default: over the first pages, which people browse)",
    )
    load.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="interleaved rounds (default: %(default)s)",
    )
    load.add_argument(
        "--connections",
        type=int,
        default=32,
        help="concurrent keep-alive connections (default: %(default)s)",
    )
    load.add_argument(
        "--load-threads",
        type=int,
        default=2,
        help="load generator threads/processes (default: %(default)s)",
    )
    load.add_argument(
        "--load-tool",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="auto: wrk when on PATH, else the built-in bench.pyload "
        "(default: %(default)s)",
    )
    server = parser.add_argument_group("server (the command line of `openprm serve`)")
    server.add_argument(
        "--workers",
        type=int,
        default=2,
        help="granian worker processes (default: %(default)s)",
    )
    server.add_argument(
        "--threads",
        type=int,
        default=2,
        help="blocking threads per worker (default: %(default)s)",
    )
    server.add_argument(
        "--port",
        type=int,
        default=0,
        help="port on 127.0.0.1; 0 picks a free one (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    positive = ("partners", "duration", "rounds", "connections", "load_threads")
    for name in (*positive, "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if not 0 <= args.members_per_partner <= MAX_MEMBERS_PER_PARTNER:
        parser.error(f"--members-per-partner must be 0 to {MAX_MEMBERS_PER_PARTNER}")
    names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    try:
        args.selected = select(names)
    except KeyError as exc:
        known = ", ".join(scenario.name for scenario in SCENARIOS)
        parser.error(f"unknown scenario {exc.args[0]!r} (known: {known})")
    return args


def say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_scenarios:
        for scenario in SCENARIOS:
            auth = " (signed in)" if scenario.auth else ""
            auth += " (API token)" if scenario.token else ""
            auth += " (partner user)" if scenario.portal else ""
            say(f"{scenario.name:<22} {scenario.path}{auth}")
            say(f"{'':<22} {scenario.description}")
        return 0
    processes.install_termination_handlers()
    try:
        run(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nbench: interrupted; every process it started was stopped",
            file=sys.stderr,
        )
        return 130
    return 0


def run(args: argparse.Namespace) -> None:
    scenarios: list[Scenario] = args.selected
    database = bench_database()
    # Other work on the machine skews absolute numbers; record how busy it was.
    load_average = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    started_at = datetime.now().astimezone().isoformat(timespec="seconds")
    spec = DatasetSpec(
        args.partners,
        args.members_per_partner,
        args.seed,
        args.audit_entries,
        args.deals,
        args.assets,
        args.audiences,
        args.courses,
        args.fund_requests,
        args.fund_ledger_entries,
        args.leads,
    )
    dataset = prepare(database, spec, reuse=args.reuse_data, say=say)
    version = database_version()

    from django.conf import settings
    from django.db import connections

    connections.close_all()  # this process does not touch the database any more
    cookie_names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)

    say("Collecting static files")
    openprm(database, "collectstatic", "--no-input", "--verbosity", "0")
    tool = load_tool(args.load_tool, database.var_dir)
    port = args.port or free_port()
    pages = pages_for(dataset.counts["partners"], deep=args.deep_pages)
    # Scenarios over other rows (e.g. the bench partner's audit entries) spread their
    # pages over those rows instead.
    pages_by_rows = {
        rows: pages_for(
            dataset.counts[rows.removesuffix(":deep")],
            deep=args.deep_pages or rows.endswith(":deep"),
        )
        for rows in {scenario.rows for scenario in scenarios}
    }
    log_path = database.var_dir / "server.log"
    say(
        f"Serving on 127.0.0.1:{port} ({args.workers} workers x {args.threads} "
        f"threads; log: {log_path}); load: {tool.name}, "
        f"{args.connections} connections, {args.load_threads} threads"
    )
    with serving(
        database,
        port=port,
        workers=args.workers,
        threads=args.threads,
        log_path=log_path,
    ):
        session = LoadSession(
            tool=tool,
            port=port,
            pages=pages_by_rows,
            probes=2 * args.workers * args.threads,
            partner=dataset.bench_partner_id,
            partner_key=bench_partner_key(dataset.bench_partner_id),
        )
        if any(scenario.token for scenario in scenarios):
            session.headers = {"Authorization": f"Bearer {BENCH_TOKEN}"}
            say(f"API scenarios send the token of {BENCH_PARTNER_EMAIL}")
        if any(scenario.auth for scenario in scenarios):
            signed_in = sign_in(
                port, email=BENCH_USER_EMAIL, password=BENCH_USER_PASSWORD
            )
            # What a browser sends back; not allauth's one-off "messages" cookie.
            session.cookies = {
                name: signed_in[name] for name in cookie_names if name in signed_in
            }
            say(f"Signed in as {BENCH_USER_EMAIL} through /accounts/login/")
        if any(scenario.portal for scenario in scenarios):
            signed_in = sign_in(
                port, email=BENCH_PARTNER_EMAIL, password=BENCH_USER_PASSWORD
            )
            session.portal_cookies = {
                name: signed_in[name] for name in cookie_names if name in signed_in
            }
            say(f"Portal scenarios sign in as {BENCH_PARTNER_EMAIL}")
        for scenario in scenarios:
            session.check(scenario)
        if args.warmup:
            say(f"Warming up: {args.warmup} s per scenario")
            warmup = LoadSettings(args.connections, args.load_threads, args.warmup)
            for scenario in scenarios:
                session.load(scenario, warmup)
        results = session.rounds(
            scenarios,
            LoadSettings(args.connections, args.load_threads, args.duration),
            rounds=args.rounds,
        )
        for scenario in scenarios:  # still answering correctly after the load?
            session.check(scenario)

    summaries = report.summarise(scenarios, results)
    facts = run_facts(args, database, dataset, version, tool, pages, load_average)
    data = {
        "started_at": started_at,
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "facts": facts,
        "scenarios": [summary.as_dict() for summary in summaries],
        "notes": report.notes(summaries, duration=args.duration),
    }
    say("")
    say(report.text_table(summaries))
    say("")
    say("req/s, p50, p99: medians over rounds. vs ceiling, vs floor: median over")
    say("rounds of throughput / the baseline's throughput in the same round.")
    say("")
    for line in report.facts_lines(facts):
        say(f"  {line}")
    if data["notes"]:
        say("")
        say(f"Notes (server log: {log_path}):")
        for note in data["notes"]:
            say(f"  - {note}")
    import_rows = args.import_rows or ("0" if args.scenarios else "100000")
    import_sizes = [int(size) for size in import_rows.split(",") if int(size)]
    if import_sizes:  # the partner import against a raw insert (issue 4)
        from bench import import_rate

        say("")
        data["import_rate"] = import_rate.report(import_sizes, say=say)
    accreditation_partners = args.accreditation_partners or (
        "0" if args.scenarios else "1000,10000"
    )
    partner_sizes = [int(n) for n in accreditation_partners.split(",") if int(n)]
    if partner_sizes:  # the accreditation recompute's flat cost (issue 14)
        from bench import accreditation_rate

        say("")
        data["accreditation_rate"] = accreditation_rate.report(partner_sizes, say=say)
    tier_partners = args.tier_partners or ("0" if args.scenarios else "1000,10000")
    if sizes := [int(n) for n in tier_partners.split(",") if int(n)]:
        from bench import tier_evaluation_rate  # the tier evaluation (issue 17)

        say("")
        data["tier_evaluation_rate"] = tier_evaluation_rate.report(sizes, say=say)
    sales_lines = args.sales_lines or ("0" if args.scenarios else "100000,1000000")
    if sizes := [int(n) for n in sales_lines.split(",") if int(n)]:
        from bench import sales_import_rate  # the sales import (issue 15)

        say("")
        data["sales_import_rate"] = sales_import_rate.report(sizes, say=say)
    ledger = args.ledger_entries or ("0" if args.scenarios else "100000,1000000")
    if sizes := [int(n) for n in ledger.split(",") if int(n)]:
        from bench import earnings_page  # the balance and history page (issue 15)

        say("")
        data["earnings_page"] = earnings_page.report(sizes, say=say)
    rollup_facts = args.rollup_facts or ("0" if args.scenarios else "1000000,10000000")
    if sizes := [int(n) for n in rollup_facts.split(",") if int(n)]:
        from bench import rollup_pages  # pages over the rollups (issue 17)

        say("")
        data["rollup_pages"] = rollup_pages.report(sizes, say=say)
    if args.deal_conflict_rows:  # the conflict check's recall (issues 6 and 21)
        from bench import deal_conflicts

        say("")
        data["deal_conflicts"] = deal_conflicts.report(
            args.deal_conflict_rows, say=say, labels=args.deal_conflict_labels
        )
    if sizes := [int(n) for n in args.search_rows.split(",") if n and int(n)]:
        from bench import search_time  # search time against size (issue 21)

        say("")
        data["search_time"] = search_time.report(sizes, say=say)
    copies = args.cobranded_copies
    if copies is None:
        copies = 0 if args.scenarios else 8
    if copies:  # co-branded copies made cold and served warm (issue 13)
        from bench import cobranding

        say("")
        data["cobranding"] = cobranding.report(copies, say=say)
    webhook_rates = args.webhook_rates or ("0" if args.scenarios else "50,500")
    rates = [float(rate) for rate in webhook_rates.split(",") if float(rate)]
    if rates:  # webhook latency from commit to receipt, one worker (issue 20)
        from bench import webhook_latency

        say("")
        data["webhook_latency"] = webhook_latency.report(
            rates, args.webhook_duration, say=say
        )
    if args.crm_accounts:  # the CRM sync's rate and lag (issue 19)
        from bench import crm_sync

        say("")
        data["crm_sync"] = crm_sync.report(args.crm_accounts, args.crm_changes, say=say)
    written = report.write(RESULTS_DIR, data, summaries)
    say("")
    say(
        "Written: "
        + ", ".join(str(path.relative_to(BENCH_DIR.parent)) for path in written)
    )


def bench_partner_key(partner_id: int) -> str:
    """The public id of the bench partner (its console pages' URLs)."""
    from openprm.partners.models import Partner

    key = Partner.objects.filter(pk=partner_id).values_list("public_id", flat=True)
    return str(key.first() or "")


@dataclass
class LoadSession:
    """Loads scenarios against the running server, one at a time."""

    tool: LoadTool
    port: int
    pages: dict[str, list[int]]  # by the rows a scenario pages through
    probes: int  # concurrent requests that check the server is idle again
    partner: int = 0  # the bench partner's id, for ``{partner}`` in paths
    partner_key: str = ""  # its public id, for ``{partner_key}`` (console URLs)
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # for token scenarios
    # The bench partner admin's session, for portal scenarios.
    portal_cookies: dict[str, str] = field(default_factory=dict)

    def paths(self, scenario: Scenario) -> list[str]:
        return scenario.paths(
            self.pages[scenario.rows],
            partner=self.partner,
            partner_key=self.partner_key,
        )

    def cookies_for(self, scenario: Scenario) -> dict[str, str] | None:
        if scenario.portal:
            return self.portal_cookies
        return self.cookies if scenario.auth else None

    def load(self, scenario: Scenario, settings: LoadSettings) -> LoadResult:
        """One load run, then wait until the server has finished what it queued."""
        cookies = self.cookies_for(scenario) or {}
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        result = self.tool.run(
            port=self.port,
            paths=self.paths(scenario),
            cookie=cookie,
            settings=settings,
            headers=self.headers if scenario.token else None,
        )
        waited = settle(self.port, probes=self.probes)
        if waited > 1:
            say(f"  (the server took {waited:.1f} s to finish queued requests)")
        return result

    def rounds(
        self, scenarios: list[Scenario], settings: LoadSettings, *, rounds: int
    ) -> dict[str, list[LoadResult]]:
        """Interleaved rounds, each starting one scenario later, so that slow drift
        (heat, other load on the machine) spreads over every scenario."""
        results: dict[str, list[LoadResult]] = {s.name: [] for s in scenarios}
        for number in range(rounds):
            shift = number % len(scenarios)
            for scenario in scenarios[shift:] + scenarios[:shift]:
                result = self.load(scenario, settings)
                results[scenario.name].append(result)
                say(
                    f"  round {number + 1}/{rounds}  {scenario.name:<22} "
                    f"{result.requests_per_second:>9,.1f} req/s  "
                    f"p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f} ms"
                    + (f"  errors {result.errors}" if result.errors else "")
                )
        return results

    def check(self, scenario: Scenario) -> None:
        """The first and last paths answer 200 with the expected content."""
        paths = self.paths(scenario)
        cookies = self.cookies_for(scenario)
        headers = self.headers if scenario.token else None
        for path in dict.fromkeys((paths[0], paths[-1])):
            response = request(
                self.port, path, cookies=cookies, timeout=120, extra_headers=headers
            )
            if response.status != 200:
                location = response.header("Location")
                raise BenchError(
                    f"{scenario.name}: GET {path} answered HTTP {response.status}"
                    + (f" (to {location})" if location else "")
                )
            if scenario.expect and scenario.expect.encode() not in response.body:
                raise BenchError(
                    f"{scenario.name}: GET {path} lacks {scenario.expect!r}:\n"
                    f"{response.body[:500].decode(errors='replace')}"
                )


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_revision() -> str:
    root = str(BENCH_DIR.parent)
    try:
        commit = processes.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"], timeout=10, what="git"
        ).strip()
        dirty = processes.run(
            ["git", "-C", root, "status", "--porcelain"], timeout=10, what="git"
        ).strip()
    except (BenchError, OSError):
        return "unknown"
    return f"{commit}{' (uncommitted changes)' if dirty else ''}"


def run_facts(
    args: argparse.Namespace,
    database: BenchDatabase,
    dataset: Dataset,
    version: str,
    tool: LoadTool,
    pages: list[int],
    load_average: str,
) -> dict[str, Any]:
    import django

    counts = dataset.counts
    return {
        "database": database.vendor,
        "database version": version,
        "database location": database.label,
        "rows": (
            f"{counts['partners']:,} partners, {counts['users']:,} users, "
            f"{counts['memberships']:,} memberships, "
            f"{counts['audit_entries']:,} audit entries "
            f"({counts['bench_partner_audit_entries']:,} of the bench partner, "
            f"id {dataset.bench_partner_id}), {counts['deals']:,} deals "
            f"({counts['bench_partner_deals']:,} of the bench partner), "
            f"{counts['assets']:,} assets for {counts['audiences']:,} audiences "
            f"({counts['bench_partner_audiences']:,} holding the bench partner "
            f"admin, {counts['bench_partner_library_assets']:,} live assets for "
            "them), "
            f"{counts.get('courses', 0):,} courses "
            f"({counts.get('bench_partner_catalogue_courses', 0):,} published for "
            "the bench partner admin), "
            f"{counts.get('fund_requests', 0):,} fund requests "
            f"({counts.get('bench_partner_fund_requests', 0):,} of the bench "
            f"partner, {counts.get('fund_approvals_waiting', 0):,} waiting in the "
            f"vendor admin's queue), {counts.get('fund_ledger_entries', 0):,} ledger "
            f"entries ({counts.get('bench_partner_fund_ledger_entries', 0):,} of the "
            f"bench partner), {counts.get('leads', 0):,} leads "
            f"({counts.get('bench_partner_leads', 0):,} of the bench partner)"
        ),
        "data set": (
            f"reused (seed {dataset.spec.seed})"
            if dataset.reused
            else f"built in {dataset.build_seconds:.1f} s (seed {dataset.spec.seed})"
        ),
        "pages": f"{len(pages)} pages rotated, spread from 1 to {pages[-1]}",
        "cpu count": os.cpu_count(),
        "load average at start (1/5/15 min)": load_average,
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "server": (
            f"granian {importlib.metadata.version('granian')} WSGI, "
            f"{args.workers} workers x {args.threads} blocking threads"
        ),
        "server workers": args.workers,
        "server threads": args.threads,
        "load tool": tool.version(),
        "load": (
            f"{args.connections} connections, {args.load_threads} threads, "
            f"{args.duration} s x {args.rounds} rounds, {args.warmup} s warm-up"
        ),
        "git": git_revision(),
    }
