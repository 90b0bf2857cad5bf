"""The registry of benchmark scenarios.

A scenario is one URL (or one URL over a set of pages) loaded for a fixed time. To add
one, append a ``Scenario`` to ``SCENARIOS``; the runner, the report and ``--scenarios``
pick it up. See bench/README.md.
"""

import math
from dataclasses import dataclass
from urllib.parse import quote

# The two baselines every scenario is compared with, measured in the same run.
CEILING = "ceiling"
FLOOR_PARTNERS = "floor-partners-50"
FLOOR_AUDIT_ENTRIES = "floor-audit-entries-50"
FLOOR_DIRECTORY = "floor-directory-50"
FLOOR_DEALS = "floor-deals-50"
FLOOR_FORECAST = "floor-forecast"
FLOOR_CONSOLE_DEALS = "floor-console-deals-50"
FLOOR_LIBRARY = "floor-library-24"
FLOOR_CONSOLE_PIPELINE = "floor-console-pipeline"
FLOOR_CATALOGUE = "floor-catalogue-25"
FLOOR_FUNDS = "floor-funds"
FLOOR_APPROVALS = "floor-approvals-50"

PAGE_SIZE = 50
# How many distinct pages a paged scenario rotates through.
PAGE_SAMPLES = 16
# By default those are the first pages, the ones people browse: deep OFFSETs cost
# the database a walk past every skipped row and would hide the cost of our own
# layers. ``--deep-pages`` spreads them over the whole table instead.
SHALLOW_PAGES = 40


@dataclass(frozen=True)
class Scenario:
    """One thing to load.

    ``path`` may contain ``{page}`` (or ``{offset}``, the first row of the page):
    the load generator then rotates through pages spread across the rows named by
    ``rows`` (a count of the data set, see ``pages_for``; ``"<count>:deep"``
    spreads them over all those rows, as ``--deep-pages``); ``{partner}`` is the
    bench partner's id, ``{partner_key}`` its public id (console partner URLs).
    ``auth`` sends the session cookie of the benchmark's vendor-staff user;
    ``token`` sends the bench partner admin's API token as
    ``Authorization: Bearer``. ``floor`` names the raw-floor scenario this one is
    compared with; every scenario is also compared with the ceiling. ``portal``
    sends the session cookie of the bench partner admin (a partner user, for the
    portal's pages) instead of the vendor staff's. ``expect`` is
    a piece of text a correct response body contains, checked once before loading
    (the status must be 200, so a redirect to sign-in fails).
    """

    name: str
    path: str
    description: str
    auth: bool = False
    floor: str = FLOOR_PARTNERS
    expect: str = ""
    token: bool = False
    rows: str = "partners"
    portal: bool = False
    # ``{term}`` in ``path``: the search terms it rotates through (``search_terms``),
    # e.g. ``"partners:16"`` or ``"deals:cold"``.
    terms: str = ""

    @property
    def paged(self) -> bool:
        return "{page}" in self.path or "{offset}" in self.path

    def paths(
        self, pages: list[int], *, partner: int = 0, partner_key: str = ""
    ) -> list[str]:
        """The request paths: one per search term for a scenario with ``{term}``,
        one per page for a paged scenario, else the path."""
        if self.terms:
            kind, count = self.terms.split(":")
            return [
                self.path.format(
                    term=quote(term),
                    page=pages[index % len(pages)],
                    offset=(pages[index % len(pages)] - 1) * PAGE_SIZE,
                    partner=partner,
                    partner_key=partner_key,
                )
                for index, term in enumerate(search_terms(kind, count))
            ]
        if not self.paged:
            return [self.path.format(partner=partner, partner_key=partner_key)]
        return [
            self.path.format(
                page=page,
                offset=(page - 1) * PAGE_SIZE,
                partner=partner,
                partner_key=partner_key,
            )
            for page in pages
        ]


SCENARIOS: list[Scenario] = [
    Scenario(
        name="health",
        path="/health/",
        description="Health check: JSON and one SELECT 1.",
        expect='"status": "ok"',
    ),
    Scenario(
        name=CEILING,
        path="/_bench/ceiling/",
        description="Baseline: trivial JSON, no database (the framework ceiling).",
        expect='"status": "ok"',
    ),
    Scenario(
        name=FLOOR_PARTNERS,
        path="/_bench/floor/partners/?page={page}",
        description="Baseline: the console's 50 partner rows from .values() as JSON.",
        expect='"results": [{',
    ),
    Scenario(
        name="console-partners-50",
        path="/console/partners/?page={page}",
        description="Console partner list, 50 rows, signed-in vendor admin.",
        auth=True,
        expect="<tbody>",
    ),
    Scenario(
        name=FLOOR_AUDIT_ENTRIES,
        path="/_bench/floor/audit-entries/?partner={partner}&page={page}",
        description=(
            "Baseline: the bench partner's 50 audit entries from .values() as JSON."
        ),
        floor=FLOOR_AUDIT_ENTRIES,
        expect='"results": [{',
        rows="bench_partner_audit_entries",
    ),
    Scenario(
        name="floor-audit-entries-by-keys-50",
        path="/_bench/floor/audit-entries/?partner={partner}&page={page}&by_keys=1",
        description=(
            "Baseline: the same rows found by their keys first, the API's own query "
            "strategy (compare the API's req/s with it too)."
        ),
        floor=FLOOR_AUDIT_ENTRIES,
        expect='"results": [{',
        rows="bench_partner_audit_entries",
    ),
    Scenario(
        name="api-audit-entries-50",
        path="/api/v1/audit-entries?limit=50&offset={offset}",
        description=(
            "API list of 50 audit entries, a partner admin's bearer token (scoped "
            "to their organisation), with the count."
        ),
        floor=FLOOR_AUDIT_ENTRIES,
        expect='"items":[{',
        token=True,
        rows="bench_partner_audit_entries",
    ),
    Scenario(
        name=FLOOR_DIRECTORY,
        path="/_bench/floor/directory/?page={page}",
        description=(
            "Baseline: 50 active EMEA partners, newest first, from .values() as JSON."
        ),
        floor=FLOOR_DIRECTORY,
        expect='"results": [{',
    ),
    Scenario(
        name="console-directory-filtered-50",
        path="/console/partners/?status=active&region=EMEA&sort=-created&page={page}",
        description=(
            "Console directory, two filters and a sort, 50 rows, signed-in vendor "
            "admin."
        ),
        auth=True,
        floor=FLOOR_DIRECTORY,
        expect="<tbody>",
    ),
    Scenario(
        name="api-directory-filtered-50",
        path=(
            "/api/v1/partners?status=active&region=EMEA&sort=-created_at"
            "&limit=50&offset={offset}"
        ),
        description=(
            "API partner list, two filters and a sort, 50 rows, the vendor admin's "
            "session, with the capped count."
        ),
        auth=True,
        floor=FLOOR_DIRECTORY,
        expect='"items": [{',
    ),
]

SCENARIOS += [
    Scenario(
        name=FLOOR_DEALS,
        path="/_bench/floor/deals/?partner={partner}&page={page}",
        description=(
            "Baseline: the bench partner's 50 deals (partner, stage) and their lines "
            "from .values() as JSON."
        ),
        floor=FLOOR_DEALS,
        expect='"results": [{',
        rows="bench_partner_deals",
    ),
    Scenario(
        name="api-deals-50",
        path="/api/v1/deals?limit=50&offset={offset}",
        description=(
            "API deal list, 50 deals with their lines, a partner admin's bearer "
            "token (their organisation's deals among all), with the count."
        ),
        floor=FLOOR_DEALS,
        expect='"items": [{',
        token=True,
        rows="bench_partner_deals",
    ),
    Scenario(
        name=FLOOR_CONSOLE_DEALS,
        path="/_bench/floor/console-deals/?page={page}",
        description=(
            "Baseline: every deal newest first, 50 keys first (partner, stage) and "
            "their lines from .values() as JSON."
        ),
        floor=FLOOR_CONSOLE_DEALS,
        expect='"results": [{',
        rows="deals",
    ),
    Scenario(
        name="console-deals-50",
        path="/console/deals/?page={page}",
        description=(
            "Console deal list, a vendor admin: all deals newest first, capped "
            "count, keys-first page (target: >= 0.40 of the floor)."
        ),
        auth=True,
        floor=FLOOR_CONSOLE_DEALS,
        expect='data-testid="deal-row"',
        rows="deals",
    ),
    Scenario(
        name="floor-console-deals-50-deep",
        path="/_bench/floor/console-deals/?page={page}",
        description="The console deal list's floor over pages spread over all deals.",
        floor="floor-console-deals-50-deep",
        expect='"results": [{',
        rows="deals:deep",
    ),
    Scenario(
        name="console-deals-50-deep",
        path="/console/deals/?page={page}",
        description="The console deal list, pages spread over all deals.",
        auth=True,
        floor="floor-console-deals-50-deep",
        expect='data-testid="deal-row"',
        rows="deals:deep",
    ),
    Scenario(
        name=FLOOR_FORECAST,
        path="/_bench/floor/forecast/?partner={partner}",
        description=(
            "Baseline: the bench partner's open deals summed per stage, currency and "
            "month in one GROUP BY, as JSON (no conversion)."
        ),
        floor=FLOOR_FORECAST,
        expect='"results": [{',
    ),
    Scenario(
        name="api-forecast",
        path="/api/v1/forecast",
        description=(
            "API weighted forecast by month in the reporting currency, a partner "
            "admin's bearer token (their open deals)."
        ),
        floor=FLOOR_FORECAST,
        expect='"periods": [{',
        token=True,
    ),
]

SCENARIOS += [
    Scenario(
        name=FLOOR_LIBRARY,
        path="/_bench/floor/library/?partner={partner}&page={page}",
        description=(
            "Baseline: the bench partner admin's 24 newest live assets of the "
            "audiences holding them (matched on every request) from .values() "
            "as JSON, keys first, with the count."
        ),
        floor=FLOOR_LIBRARY,
        expect='"results": [{',
        rows="bench_partner_library_assets",
    ),
    Scenario(
        name="floor-library-24-cached",
        path="/_bench/floor/library-cached/?partner={partner}&page={page}",
        description=(
            "The library floor with the audiences found once per process (not "
            "a correct reader: it misses audience changes); the strictest "
            "yardstick, shown beside the fair floor."
        ),
        floor=FLOOR_LIBRARY,
        expect='"results": [{',
        rows="bench_partner_library_assets",
    ),
    Scenario(
        name="portal-library-24",
        path="/portal/library/?page={page}",
        description=(
            "Portal library, 24 assets of the reader's audiences (matched on "
            "every request), signed-in partner admin, with filters and count."
        ),
        portal=True,
        floor=FLOOR_LIBRARY,
        expect='data-testid="library-asset"',
        rows="bench_partner_library_assets",
    ),
]

SCENARIOS += [
    Scenario(
        name=FLOOR_CATALOGUE,
        path="/_bench/floor/catalogue/?partner={partner}&page={page}",
        description=(
            "Baseline: the bench partner admin's 25 published courses of the "
            "audiences holding them (matched on every request), by title, from "
            ".values() with each one's lesson count, and the count, as JSON."
        ),
        floor=FLOOR_CATALOGUE,
        expect='"results": [{',
        rows="bench_partner_catalogue_courses",
    ),
    Scenario(
        name="floor-catalogue-25-by-keys",
        path="/_bench/floor/catalogue/?partner={partner}&page={page}&by_keys=1",
        description="The catalogue floor with the page's keys found first.",
        floor=FLOOR_CATALOGUE,
        expect='"results": [{',
        rows="bench_partner_catalogue_courses",
    ),
    Scenario(
        name="portal-catalogue-25",
        path="/portal/learning/?page={page}",
        description=(
            "Portal course catalogue, 25 courses of the reader's audiences "
            "(matched on every request), signed-in partner admin, with the "
            "paths, filters and count (target: >= 0.40 of the floor)."
        ),
        portal=True,
        floor=FLOOR_CATALOGUE,
        expect='data-testid="course-card"',
        rows="bench_partner_catalogue_courses",
    ),
]

BASELINES = (
    CEILING,
    FLOOR_PARTNERS,
    FLOOR_AUDIT_ENTRIES,
    FLOOR_DIRECTORY,
    FLOOR_DEALS,
    FLOOR_FORECAST,
    FLOOR_LIBRARY,
    FLOOR_CATALOGUE,
    FLOOR_FUNDS,
    FLOOR_APPROVALS,
)


def by_name() -> dict[str, Scenario]:
    return {scenario.name: scenario for scenario in SCENARIOS}


def select(names: list[str] | None) -> list[Scenario]:
    """The scenarios to run, in registry order, always with the baselines they need.

    Raises ``KeyError`` naming the first unknown scenario.
    """
    registry = by_name()
    if not names:
        return list(SCENARIOS)
    for name in names:
        if name not in registry:
            raise KeyError(name)
    wanted = set(names) | {CEILING}
    wanted |= {registry[name].floor for name in names}
    return [scenario for scenario in SCENARIOS if scenario.name in wanted]


def pages_for(
    partner_count: int, samples: int = PAGE_SAMPLES, *, deep: bool = False
) -> list[int]:
    """Page numbers spread evenly over the first pages (or the whole table)."""
    last = max(math.ceil(partner_count / PAGE_SIZE), 1)
    if not deep:
        last = min(last, SHALLOW_PAGES)
    if last <= samples:
        return list(range(1, last + 1))
    step = (last - 1) / (samples - 1)
    return sorted({1 + round(index * step) for index in range(samples)})


SCENARIOS += [
    Scenario(
        name=FLOOR_CONSOLE_PIPELINE,
        path="/_bench/floor/console-pipeline/",
        description=(
            "Baseline: the maintained pipeline sums the console reads (regional "
            "totals by stage, currency and month, and by region; partner cells by "
            "partner) in three GROUP BYs, as JSON (no conversion or ranking)."
        ),
        floor=FLOOR_CONSOLE_PIPELINE,
        expect='"results": [[',
    ),
    Scenario(
        name="console-pipeline",
        path="/console/pipeline/",
        description=(
            "Console pipeline and forecast, a vendor admin: the ecosystem by stage, "
            "month, quarter and region, and its 20 largest partners (target: as "
            "fast at 1,000,000 deals as at 100,000)."
        ),
        auth=True,
        floor=FLOOR_CONSOLE_PIPELINE,
        expect='data-testid="total-count"',
    ),
    Scenario(
        name="portal-pipeline",
        path="/portal/pipeline/",
        description="Portal pipeline and forecast, the bench partner's admin.",
        portal=True,
        floor=FLOOR_FORECAST,
        expect='data-testid="total-count"',
    ),
]

SCENARIOS += [
    Scenario(
        name=FLOOR_FUNDS,
        path="/_bench/floor/funds/?partner={partner}",
        description=(
            "Baseline: the bench partner's allocations, the ledger summed per "
            "allocation and kind in one GROUP BY, its 50 newest fund requests and "
            "10 newest ledger entries, from .values() as JSON."
        ),
        floor=FLOOR_FUNDS,
        expect='"results": [{',
    ),
    Scenario(
        name="portal-funds",
        path="/portal/funds/",
        description=(
            "Portal 'Marketing funds', signed-in partner admin: the figures per "
            "currency and allocation (sums of the ledger), the 50 newest requests, "
            "the latest movements (target: >= 0.40 of the floor)."
        ),
        portal=True,
        floor=FLOOR_FUNDS,
        expect='data-testid="fund-available"',
    ),
    Scenario(
        name=FLOOR_APPROVALS,
        path="/_bench/floor/approvals/?user=1&page={page}",
        description=(
            "Baseline: the open approvals waiting on the vendor admin (theirs, "
            "their queues', whom they stand in for), soonest due first, 50 from "
            ".values() as JSON."
        ),
        floor=FLOOR_APPROVALS,
        expect='"results": [{',
        rows="fund_approvals_waiting",
    ),
    Scenario(
        name="floor-approvals-50-by-keys",
        path="/_bench/floor/approvals/?user=1&page={page}&by_keys=1",
        description="The approvals floor with the page's keys found first.",
        floor=FLOOR_APPROVALS,
        expect='"results": [{',
        rows="fund_approvals_waiting",
    ),
    Scenario(
        name="console-approvals-50",
        path="/console/approvals/?page={page}",
        description=(
            "Console Approvals, 'Waiting on me' of the vendor admin (a member of "
            "the Marketing funds queue): 50 open fund request approvals, soonest "
            "due first (target: >= 0.40 of the floor)."
        ),
        auth=True,
        floor=FLOOR_APPROVALS,
        expect='data-testid="approvals"',
        rows="fund_approvals_waiting",
    ),
]

# Issue 21: every list has a scenario, with its floor (the page's keys first, the
# lists' own query strategy; a plain LIMIT/OFFSET variant beside each shows which
# is faster) and its deep pages.
FLOOR_PORTAL_DEALS = "floor-portal-deals-50"
FLOOR_DEAL_QUEUE = "floor-deal-queue-50"
FLOOR_CONSOLE_LEADS = "floor-console-leads-50"
FLOOR_PORTAL_LEADS = "floor-portal-leads-50"
FLOOR_AUDIT_TRAIL = "floor-audit-trail-50"
FLOOR_PARTNER_360 = "floor-partner-360"


def _list_scenarios(
    *,
    name: str,
    path: str,
    floor_path: str,
    rows: str,
    description: str,
    floor_description: str,
    expect: str,
    portal: bool = False,
) -> list[Scenario]:
    """A list page, its keys-first floor and the floor's plain variant, and the
    same page and floor over pages spread over all the rows (``-deep``)."""
    floor = f"floor-{name}"
    page = {"auth": not portal, "portal": portal, "expect": expect}
    return [
        Scenario(
            name=floor,
            path=f"{floor_path}&by_keys=1",
            description=floor_description,
            floor=floor,
            expect='"results": [',
            rows=rows,
        ),
        Scenario(
            name=f"{floor}-plain",
            path=floor_path,
            description="The same floor paged by a plain LIMIT/OFFSET.",
            floor=floor,
            expect='"results": [',
            rows=rows,
        ),
        Scenario(
            name=name,
            path=path,
            description=description,
            floor=floor,
            rows=rows,
            **page,
        ),
        Scenario(
            name=f"{floor}-deep",
            path=f"{floor_path}&by_keys=1",
            description="The floor over pages spread over all the rows.",
            floor=f"{floor}-deep",
            expect='"results": [',
            rows=f"{rows}:deep",
        ),
        Scenario(
            name=f"{name}-deep",
            path=path,
            description="The page, pages spread over all the rows.",
            floor=f"{floor}-deep",
            rows=f"{rows}:deep",
            **page,
        ),
    ]


SCENARIOS += [
    *_list_scenarios(
        name="portal-deals-50",
        path="/portal/deals/?page={page}",
        floor_path="/_bench/floor/deals/?partner={partner}&page={page}",
        rows="bench_partner_deals",
        description=(
            "Portal deal list, the bench partner admin: their organisation's "
            "deals newest first, capped count (target: >= 0.40 of the floor)."
        ),
        floor_description=(
            "Baseline: the bench partner's 50 newest deals (partner, stage), keys "
            "first, and their lines, from .values() as JSON."
        ),
        expect='data-testid="deal-row"',
        portal=True,
    ),
    *_list_scenarios(
        name="console-deal-queue-50",
        path="/console/deals/review/?page={page}",
        floor_path="/_bench/floor/deal-queue/?page={page}",
        rows="deals_in_review",
        description=(
            "Console deal registration review queue, a vendor admin: every "
            "registration in review, the most urgent first, capped count."
        ),
        floor_description=(
            "Baseline: the 50 most urgent registrations in review (partner, "
            "stage), keys first, and their lines, from .values() as JSON."
        ),
        expect='data-testid="deal-row"',
    ),
    *_list_scenarios(
        name="console-leads-50",
        path="/console/leads/?page={page}",
        floor_path="/_bench/floor/leads/?page={page}",
        rows="leads",
        description=(
            "Console lead list, a vendor admin: every lead newest first with its "
            "partner, capped count."
        ),
        floor_description=(
            "Baseline: the 50 newest leads with their partner's name, keys first, "
            "from .values() as JSON."
        ),
        expect='data-testid="leads"',
    ),
    *_list_scenarios(
        name="portal-leads-50",
        path="/portal/leads/?page={page}",
        floor_path="/_bench/floor/leads/?partner={partner}&page={page}",
        rows="bench_partner_leads",
        description=(
            "Portal 'My leads', the bench partner admin: the leads their "
            "organisation holds, newest first, each one's answer deadline, the "
            "acceptance record, capped count."
        ),
        floor_description=(
            "Baseline: the bench partner's 50 newest leads with their pending "
            "offer's deadline, keys first, from .values() as JSON."
        ),
        expect='data-testid="leads"',
        portal=True,
    ),
    *_list_scenarios(
        name="console-audit-trail-50",
        path="/console/audit/?page={page}",
        floor_path="/_bench/floor/audit-trail/?page={page}",
        rows="audit_entries",
        description=(
            "Console audit trail, a vendor admin: every entry newest first, each "
            "as a sentence with its partner, the filters, capped count."
        ),
        floor_description=(
            "Baseline: the 50 newest audit entries, keys first, and their "
            "partners' names, from .values() as JSON."
        ),
        expect='data-testid="audit-entries"',
    ),
    Scenario(
        name=FLOOR_PARTNER_360,
        path="/_bench/floor/partner-360/?partner={partner}",
        description=(
            "Baseline: the bench partner, its contacts, children and 20 latest "
            "audit entries, its deals counted and summed per status and currency "
            "and the 5 latest, its lead offers per outcome, from .values() as JSON."
        ),
        floor=FLOOR_PARTNER_360,
        expect='"results": [',
    ),
    Scenario(
        name="console-partner-360",
        path="/console/partners/{partner_key}/",
        description=(
            "Console partner page (the partner 360) of the bench partner, a vendor "
            "admin: profile, contacts, history and every app's section "
            "(target: >= 0.40 of the floor)."
        ),
        auth=True,
        floor=FLOOR_PARTNER_360,
        expect='data-testid="partner-sections"',
    ),
]

# --- cache misses (issue 21) ----------------------------------------------------------
#
# The directory and the deal list read SQL compiled once per reader context and
# filters (``core.db.CachedList``, at most ``CACHED_LIST_SIZE`` entries per server
# process, least recently used dropped first): a benchmark that repeats one filter
# set measures only hits. Each pair below searches with terms of one kind: the warm
# scenario rotates through ``WARM_TERMS`` of them (all cached after the warm-up),
# the cold one through all of them, more than a cached list holds, in a fixed cycle
# that the LRU order misses on every request. Same query shape, same cost per
# query: the difference is what a miss costs (building and compiling the query).
CACHED_LIST_SIZE = 256
WARM_TERMS = 16
COLD_TERMS = 512


def search_terms(kind: str, count: str) -> list[str]:
    """Search terms that each match some rows of the data set: for ``partners``,
    two name words ("Cedar Grid", as ``bench/dataset.py`` names partners), for
    ``deals`` four digits of a deal's number (in its title and customer name).
    ``count`` is a number, or ``cold`` for ``COLD_TERMS`` of them."""
    wanted = COLD_TERMS if count == "cold" else int(count)
    if kind == "partners":
        from openprm.demo.ecosystem import NAME_FIRST, NAME_SECOND

        terms = [f"{first} {second}" for first in NAME_FIRST for second in NAME_SECOND]
    elif kind == "deals":
        terms = [str(number) for number in range(1000, 1000 + COLD_TERMS)]
    else:
        raise ValueError(f"No search terms of kind {kind!r}")
    if wanted > len(terms):
        raise ValueError(f"Only {len(terms)} search terms of kind {kind!r}")
    return terms[:wanted]


def _search_pair(name: str, *, path: str, description: str, terms: str, **kw):
    """A warm and a cold scenario of one searched list."""
    return [
        Scenario(
            name=name,
            path=path,
            description=f"{description} ({WARM_TERMS} terms: cache hits).",
            terms=f"{terms}:{WARM_TERMS}",
            **kw,
        ),
        Scenario(
            name=f"{name}-cold",
            path=path,
            description=(
                f"{description} ({COLD_TERMS} terms in a cycle: every request "
                "misses the cached list)."
            ),
            terms=f"{terms}:cold",
            **kw,
        ),
    ]


SCENARIOS += [
    *_search_pair(
        "api-directory-search-50",
        path=(
            "/api/v1/partners?status=active&region=EMEA&sort=-created_at&q={term}"
            "&limit=50&offset=0"
        ),
        description="API partner list, two filters, a sort and a search term",
        terms="partners",
        auth=True,
        floor=FLOOR_DIRECTORY,
        expect='"items": [',
    ),
    *_search_pair(
        "console-directory-search-50",
        path="/console/partners/?status=active&region=EMEA&sort=-created&q={term}",
        description="Console directory, two filters, a sort and a search term",
        terms="partners",
        auth=True,
        floor=FLOOR_DIRECTORY,
        expect="</html>",
    ),
    *_search_pair(
        "api-deals-search-50",
        path="/api/v1/deals?q={term}&limit=50&offset=0",
        description="API deal list searched, the bench partner admin's token",
        terms="deals",
        token=True,
        floor=FLOOR_DEALS,
        expect='"items": [',
    ),
]
