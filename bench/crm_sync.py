"""CRM sync against a real, local BottleCRM (issue 19): the initial sync's rate and
OpenPRM's own share of its time, and the lag from a partner change committed in
OpenPRM to its arrival in the CRM.

Not an HTTP scenario: ``make bench BENCH_ARGS=--crm-accounts=1000`` runs it after
the scenarios (0, the default, skips it), or ``python -m bench.crm_sync
[--accounts 200] [--changes 20]`` alone; migrates a throwaway database (SQLite in a
temporary folder; with ``DATABASE_URL`` — its name must contain "bench" — a database
``<its name>_crm`` next to it, dropped afterwards), starts BottleCRM
(``openprm.testing.bottlecrm``) and:

1. puts ``--accounts`` partners in OpenPRM and as many accounts in the CRM, a tenth
   of them the same organisations under slightly different names ("… Ltd." / "…
   GmbH"), and times one full run: records per second, OpenPRM's own share of it
   (the CPU time of this process against the wall time: matching, mapping, the
   database; the rest is waiting on BottleCRM), and its two halves — the pull
   (CRM accounts listed a second, partners created from the new ones) and the
   push (CRM accounts created a second: each one the accounts added since the
   listing, the create, and the read back);
2. changes ``--changes`` partners one at a time through ``partner_update`` and times
   each from its commit to the moment the CRM answers with the new value, with the
   outgoing change sent as the worker sends it (``tasks.send_due``).
"""

import argparse
import json
import os
import statistics
import sys
import time


def child(accounts: int, changes: int) -> dict:
    from bench.environment import drop_database, throwaway_database

    original_url = os.environ.get("DATABASE_URL", "")
    vendor, database = throwaway_database("crm")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ.setdefault("SECRET_KEY", "bench-crm-sync-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openprm.testing import bottlecrm

    crm = bottlecrm.start()
    try:
        return {"vendor": vendor, **_measure(crm, accounts, changes)}
    finally:
        crm.stop()
        drop_database(database, original_url)


WORDS = [
    "alder", "birch", "cedar", "delta", "ember", "falcon", "garnet", "harbor",
    "indigo", "juniper", "kestrel", "lumen", "marble", "nimbus", "onyx", "pioneer",
    "quartz", "raven", "summit", "tundra", "umber", "vertex", "willow", "xenon",
    "yonder", "zephyr",
]  # fmt: skip


def organisation(number: int) -> str:
    """A name of three words, far from every other number's (unlike "Partner 17"
    and "Partner 117", which a fuzzy matcher rightly finds alike)."""
    size = len(WORDS)
    first, second, third = number % size, (number // size) % size, number // size**2
    words = (WORDS[first], WORDS[second], WORDS[third % size])
    return " ".join(word.title() for word in words) + f" {number}"


def _measure(crm, accounts: int, changes: int) -> dict:
    from openprm.accounts.models import User
    from openprm.integrations.crm import engine, services, tasks
    from openprm.integrations.crm.connectors import bottlecrm as connector_module
    from openprm.partners import services as partner_services
    from openprm.partners.models import Partner

    admin = User.objects.create_user(
        email="bench-admin@example.com", password="x" * 20, vendor_role="vendor_admin"
    )
    similar = accounts // 10
    for number in range(accounts):
        partner_services.partner_create(
            name=f"{organisation(number)} GmbH",
            partner_type="reseller",
            country="DE",
            region="EMEA",
            city="Berlin",
        )
    # The CRM's accounts are written into its database (its API takes a request
    # each, which is not what is measured here), as its create view would.
    crm.add_accounts(
        [
            {
                "name": f"{organisation(label)} Ltd.",
                "email": "bench@example.com",
                "billing_city": "Paris",
                "billing_country": "FR",
            }
            for label in [*range(similar), *range(accounts + similar, 2 * accounts)]
        ]
    )
    connection = services.crm_connection_create(
        actor=admin,
        data={
            "name": "Bench CRM",
            "connector_type": "bottlecrm",
            "config": {"url": crm.url},
            "requests_per_second": 1000,
        },
        secret=crm.credentials,
    )
    spent = {"http": 0.0, "requests": 0, "creates": 0}
    send = connector_module.BottleCrmConnector._send

    def timed_send(self, *args, **kwargs):
        began = time.perf_counter()
        try:
            return send(self, *args, **kwargs)
        finally:
            spent["http"] += time.perf_counter() - began
            spent["requests"] += 1
            spent["creates"] += args[:2] == ("POST", "/api/accounts/")

    connector_module.BottleCrmConnector._send = timed_send
    phases = {}
    pull = engine.ObjectSync.pull

    def timed_pull(self, *args, **kwargs):
        began, cpu = time.perf_counter(), time.process_time()
        try:
            return pull(self, *args, **kwargs)
        finally:
            phases["pull"] = (time.perf_counter() - began, time.process_time() - cpu)

    engine.ObjectSync.pull = timed_pull
    run = services.crm_run_start(
        actor=admin, connection=connection, full=True, enqueue=False
    )
    run = services.crm_run_claim(run_id=run.pk, stale_after=tasks.stale_after())
    began = time.perf_counter()
    cpu = time.process_time()
    run = engine.run_execute(run)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu
    pull_wall, pull_cpu = phases.get("pull", (0.0, 0.0))
    records = 2 * accounts
    result = {
        "accounts": accounts,
        "similar": similar,
        "status": run.status,
        "linked": run.linked,
        "created": run.created,
        "queued": run.queued,
        "crm_accounts_after": len(crm.accounts()),
        "seconds": round(elapsed, 2),
        "records_per_second": round(records / elapsed, 1),
        "seconds_per_account": round(elapsed / accounts, 3),
        # OpenPRM's own share: the CPU this process used against the wall time.
        "openprm_share": round(cpu / elapsed, 3),
        "openprm_seconds": round(cpu, 2),
        # The share of the wall time outside the CRM's requests (the read-ahead
        # pages' requests overlap, so this is a lower bound).
        "outside_requests_share": round(max(0.0, 1 - spent["http"] / elapsed), 3),
        "crm_seconds": round(spent["http"], 2),
        "requests": spent["requests"],
        # The pull (listing the CRM's accounts, creating partners from the new
        # ones) and the push (sending the partners: matching, creating accounts).
        "pull_seconds": round(pull_wall, 2),
        "pull_openprm_seconds": round(pull_cpu, 2),
        "listed_per_second": round(accounts / pull_wall, 1) if pull_wall else None,
        "push_seconds": round(elapsed - pull_wall, 2),
        "created_in_crm": spent["creates"],
        "created_in_crm_per_second": round(
            spent["creates"] / max(elapsed - pull_wall, 1e-9), 2
        ),
    }
    lags = []
    linked = connection.links.filter(state="linked").values("local_id")
    for partner in Partner.objects.filter(pk__in=linked).order_by("pk")[:changes]:
        city = f"City {partner.pk}"
        committed = time.perf_counter()
        partner_services.partner_update(
            partner=partner, actor=admin, data={"city": city}
        )
        services.crm_outgoing_queue(
            connection_ids=[connection.pk], object_type="partners", local_id=partner.pk
        )
        tasks.send_due()
        link = connection.links.get(local_id=partner.pk)
        found = crm.request("GET", f"/api/accounts/{link.remote_id}/")["account_obj"]
        if found["billing_city"] == city:
            lags.append(time.perf_counter() - committed)
    if lags:
        lags.sort()
        result.update(
            lag_median_seconds=round(statistics.median(lags), 3),
            lag_p95_seconds=round(lags[max(0, int(len(lags) * 0.95) - 1)], 3),
            lag_changes=len(lags),
        )
    return result


def matching(size: int, sample: int) -> dict:
    """The matching alone, in this process (no database, no CRM): ``size`` CRM
    accounts against ``size`` unlinked partners named as above (a tenth the same),
    timed for ``sample`` CRM accounts spread over them, scored over the blocking
    index (the sync's way) and against every partner (the way before it); both
    extrapolated to all ``size``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openprm.settings")
    os.environ.setdefault("SECRET_KEY", "bench-crm-sync-" + "x" * 40)
    import django

    django.setup()
    from types import SimpleNamespace

    from openprm.integrations.crm.objects import rank
    from openprm.partners.duplicates import BlockingIndex

    similar = size // 10
    partners = [
        SimpleNamespace(key=n, name=f"{organisation(n)} GmbH", website="")
        for n in range(size)
    ]
    labels = [*range(similar), *range(size + similar, 2 * size)]
    step = max(1, size // sample)
    wanted = [f"{organisation(label)} Ltd." for label in labels[::step]][:sample]
    began = time.perf_counter()
    index = BlockingIndex(partners)
    filed = time.perf_counter() - began
    began = time.perf_counter()
    cpu = time.process_time()
    linked = 0
    for name in wanted:
        found = rank(
            name=name, website="", others=index.candidates(name=name, website="")
        )
        linked += bool(found and found[0].score >= 95)
    blocked = (time.perf_counter() - began) / len(wanted)
    blocked_cpu = (time.process_time() - cpu) / len(wanted)
    few = wanted[: max(1, min(len(wanted), 20))]
    began = time.perf_counter()
    cpu = time.process_time()
    for name in few:
        rank(name=name, website="", others=partners)
    everything = (time.perf_counter() - began) / len(few)
    everything_cpu = (time.process_time() - cpu) / len(few)
    return {
        "size": size,
        "sample": len(wanted),
        "index_seconds": round(filed, 2),
        "blocked_ms_per_record": round(blocked * 1000, 3),
        "blocked_cpu_ms_per_record": round(blocked_cpu * 1000, 3),
        "everything_cpu_ms_per_record": round(everything_cpu * 1000, 1),
        "blocked_total_seconds": round(filed + blocked * size, 1),
        "everything_ms_per_record": round(everything * 1000, 1),
        "everything_total_seconds": round(everything * size, 1),
        "sample_linked": linked,
    }


def lines(vendor: str, result: dict) -> list[str]:
    """The figures as ``make bench`` prints them."""
    found = [
        f"CRM sync against the local BottleCRM ({vendor}): initial sync of "
        f"{result['accounts']} partners and {result['accounts']} CRM accounts "
        f"({result['similar']} the same under other names): {result['linked']} "
        f"linked, {result['created']} created, {result['queued']} for a person, "
        f"{result['records_per_second']} records/s, OpenPRM's share "
        f"{result['openprm_share']:.0%} ({result.get('openprm_seconds')} s of CPU "
        f"in {result['seconds']} s; {result.get('requests')} CRM requests)",
        f"  the pull listed {result.get('listed_per_second')} CRM accounts/s "
        f"({result.get('pull_seconds')} s); the push created "
        f"{result.get('created_in_crm_per_second')} CRM accounts/s "
        f"({result.get('created_in_crm')} in {result.get('push_seconds')} s)",
    ]
    if "lag_median_seconds" in result:
        found.append(
            f"  change committed in OpenPRM → in the CRM: median "
            f"{result['lag_median_seconds']} s, p95 {result['lag_p95_seconds']} s "
            f"over {result['lag_changes']} changes (anchors: 5 to 60 minutes)"
        )
    return found


def report(accounts: int, changes: int, say=print) -> dict:
    """Measure in a child process of its own (``make bench
    BENCH_ARGS=--crm-accounts=1000``) and print the figures."""
    from bench.processes import measure_in_child

    return measure_in_child(
        "bench.crm_sync",
        [f"--accounts={accounts}", f"--changes={changes}"],
        lines,
        say,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.crm_sync")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument(
        "--json", action="store_true", help="one line of JSON (for make bench)"
    )
    parser.add_argument(
        "--matching",
        type=int,
        default=0,
        help="time the matching alone for this many CRM accounts against as many "
        "partners (no database, no CRM), e.g. 100000",
    )
    parser.add_argument("--sample", type=int, default=1000)
    arguments = parser.parse_args()
    if arguments.matching:
        print(json.dumps(matching(arguments.matching, arguments.sample), indent=2))
        return
    result = child(arguments.accounts, arguments.changes)
    result["database"] = result["vendor"]
    if arguments.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
