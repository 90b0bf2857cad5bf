"""The bulk score recompute's rate (partners/s) on the bench data set.

Not an HTTP scenario: ``make bench`` runs ``python -m bench.score_rate`` after the
HTTP scenarios, on the default data set of ``bench/results/<database>/`` (reused when
intact, else rebuilt; ``DATABASE_URL`` picks PostgreSQL, as for ``make bench``), and
writes ``bench/results/score-rate-<database>.json``.

It defines a scorecard with four criteria over the generated profile fields, then
runs ``scoring.services.score_run_execute`` — the function the worker's
``recompute_all_scores`` task runs — three times over every partner:

- **new**: no partner has a score yet, every partner gets one;
- **unchanged**: the same again; nothing is written (history only on change);
- **changed**: one criterion's points changed, so every score is retired and a new
  history row written.

Afterwards the scorecard, its scores, the runs and their events are deleted, so the
data set stays reusable (its manifest counts partners, users and audit entries).
"""

import json
import os
import time
from collections.abc import Callable
from datetime import datetime

CARD_NAME = "Bench fit"
CRITERIA = (
    (
        "Partner type",
        "partner_type",
        "value_in_list",
        3,
        {
            "values": [
                {"value": "reseller", "points": 100},
                {"value": "msp", "points": 80},
                {"value": "system_integrator", "points": 60},
            ]
        },
    ),
    (
        "Region",
        "region",
        "value_in_list",
        2,
        {"values": [{"value": "EMEA", "points": 100}, {"value": "NA", "points": 70}]},
    ),
    (
        "Status",
        "status",
        "value_in_list",
        1,
        {
            "values": [
                {"value": "active", "points": 100},
                {"value": "prospect", "points": 40},
            ]
        },
    ),
    (
        "Country",
        "country",
        "value_in_list",
        1,
        {"values": [{"value": "DE", "points": 100}, {"value": "US", "points": 90}]},
    ),
)


def _run(label: str, say: Callable[[str], None]) -> dict:
    from openprm.partners.models import Partner
    from openprm.scoring.models import ScoreRun
    from openprm.scoring.services import score_run_execute

    run = ScoreRun.objects.create(total=Partner.objects.count())
    started = time.perf_counter()
    run = score_run_execute(run=run)
    seconds = time.perf_counter() - started
    rate = run.done / seconds
    say(
        f"  score recompute, {label}: {run.done:,} partners, {run.changed:,} scores "
        f"written, {seconds:.1f} s, {rate:,.0f} partners/s"
    )
    return {
        "partners": run.done,
        "written": run.changed,
        "seconds": round(seconds, 2),
        "partners_per_second": round(rate),
    }


def measure(say: Callable[[str], None] = print) -> dict:
    """The three runs' figures; Django must be configured for the bench database."""
    from django.db import transaction

    from openprm.core.models import OutboxEvent
    from openprm.scoring.models import Criterion, PartnerScore, Scorecard, ScoreRun

    Scorecard.objects.filter(name=CARD_NAME).delete()  # a run that was interrupted
    card = Scorecard.objects.create(name=CARD_NAME)
    criteria = [
        Criterion.objects.create(
            scorecard=card,
            label=label,
            field=field,
            kind=kind,
            weight=weight,
            config=config,
        )
        for label, field, kind, weight, config in CRITERIA
    ]
    try:
        say("Bulk score recompute (scoring.services.score_run_execute):")
        results = {"new": _run("new", say), "unchanged": _run("unchanged", say)}
        Criterion.objects.filter(pk=criteria[1].pk).update(
            config={
                "values": [
                    {"value": "EMEA", "points": 90},
                    {"value": "NA", "points": 70},
                ]
            }
        )
        results["changed"] = _run("changed", say)
    finally:
        with transaction.atomic():
            PartnerScore.objects.filter(scorecard=card).delete()
            card.delete()
            ScoreRun.objects.all().delete()
            OutboxEvent.objects.filter(name="score_run.finished").delete()
    return results


def main(partners: int) -> None:
    from bench.dataset import (
        DEFAULT_MEMBERS_PER_PARTNER,
        DEFAULT_SEED,
        DatasetSpec,
        prepare,
    )
    from bench.environment import RESULTS_DIR, bench_database

    database = bench_database()
    spec = DatasetSpec(partners, DEFAULT_MEMBERS_PER_PARTNER, DEFAULT_SEED)
    load_average = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    prepare(database, spec, reuse=True, say=print)
    results = {
        "database": database.vendor,
        "load average at start (1/5/15 min)": load_average,
        "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        **measure(),
    }
    path = RESULTS_DIR / f"score-rate-{database.vendor}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written: {path.relative_to(RESULTS_DIR.parent.parent)}")


if __name__ == "__main__":
    import sys

    from bench.dataset import DEFAULT_PARTNERS

    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PARTNERS)
