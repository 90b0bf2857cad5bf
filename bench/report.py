"""A run's summary: medians, ratios to the baselines, the table, JSON, Markdown."""

import json
import math
import statistics
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.load import LoadResult
from bench.scenarios import CEILING, Scenario


@dataclass(frozen=True)
class ScenarioSummary:
    scenario: Scenario
    rounds: list[LoadResult]
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    vs_ceiling: float
    vs_floor: float
    requests: int  # completed, over all rounds
    errors: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.scenario.name,
            "path": self.scenario.path,
            "description": self.scenario.description,
            "auth": self.scenario.auth,
            "portal": self.scenario.portal,
            "floor": self.scenario.floor,
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "vs_ceiling": round(self.vs_ceiling, 3),
            "vs_floor": round(self.vs_floor, 3),
            "requests": self.requests,
            "errors": self.errors,
            "rounds": [asdict(result) for result in self.rounds],
        }


# A scenario whose median latency is more than this share of a round, or that
# completes fewer requests than this per round, gets a note: its queue of connections
# fills for much of the round, so its req/s is rough.
SLOW_SHARE_OF_ROUND = 0.1
FEW_REQUESTS_PER_ROUND = 100


def notes(summaries: list[ScenarioSummary], *, duration: float) -> list[str]:
    """Caveats for the reader: failures, and scenarios too slow to measure well."""
    found = []
    for summary in summaries:
        name = summary.scenario.name
        if summary.errors:
            found.append(f"{name}: {summary.errors:,} requests failed (server log).")
        per_round = summary.requests / max(len(summary.rounds), 1)
        slow = summary.p50_ms / 1000 > SLOW_SHARE_OF_ROUND * duration
        if slow or per_round < FEW_REQUESTS_PER_ROUND:
            found.append(
                f"{name}: {per_round:,.0f} requests per round, p50 "
                f"{summary.p50_ms / 1000:.1f} s in {duration:g} s rounds; req/s is "
                "rough (the connections' queue fills for much of the round): use a "
                "longer --duration or fewer --connections to measure it well."
            )
    return found


def _median_ratio(results: list[LoadResult], baseline: list[LoadResult]) -> float:
    """The median over rounds of this round's throughput over the baseline's in the
    same round: drift between rounds (CPU frequency, noise) cancels out."""
    ratios = [
        result.requests_per_second / base.requests_per_second
        for result, base in zip(results, baseline, strict=True)
        if base.requests_per_second > 0
    ]
    return statistics.median(ratios) if ratios else float("nan")


def summarise(
    scenarios: list[Scenario], results: dict[str, list[LoadResult]]
) -> list[ScenarioSummary]:
    summaries = []
    for scenario in scenarios:
        rounds = results[scenario.name]
        summaries.append(
            ScenarioSummary(
                scenario=scenario,
                rounds=rounds,
                requests_per_second=statistics.median(
                    r.requests_per_second for r in rounds
                ),
                p50_ms=statistics.median(r.p50_ms for r in rounds),
                p99_ms=statistics.median(r.p99_ms for r in rounds),
                vs_ceiling=_median_ratio(rounds, results[CEILING]),
                # The baselines' own floor may not have run (another floor chosen).
                vs_floor=_median_ratio(rounds, results[scenario.floor])
                if scenario.floor in results
                else float("nan"),
                requests=sum(r.requests for r in rounds),
                errors=sum(r.errors for r in rounds),
            )
        )
    return summaries


COLUMNS = (
    "scenario",
    "req/s",
    "p50 ms",
    "p99 ms",
    "vs ceiling",
    "vs floor",
    "requests",
    "errors",
)


def _cells(summary: ScenarioSummary) -> list[str]:
    def number(value: float, digits: int) -> str:
        return "n/a" if math.isnan(value) else f"{value:,.{digits}f}"

    return [
        summary.scenario.name,
        number(
            summary.requests_per_second, 0 if summary.requests_per_second >= 100 else 1
        ),
        number(summary.p50_ms, 2),
        number(summary.p99_ms, 2),
        number(summary.vs_ceiling, 3),
        number(summary.vs_floor, 3),
        f"{summary.requests:,}",
        f"{summary.errors:,}",
    ]


def text_table(summaries: list[ScenarioSummary]) -> str:
    rows = [list(COLUMNS), *(_cells(summary) for summary in summaries)]
    widths = [max(len(row[index]) for row in rows) for index in range(len(COLUMNS))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(summaries: list[ScenarioSummary]) -> str:
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "| --- | " + " | ".join("---:" for _ in COLUMNS[1:]) + " |",
    ]
    lines += ["| " + " | ".join(_cells(summary)) + " |" for summary in summaries]
    return "\n".join(lines)


def facts_lines(facts: dict[str, Any]) -> list[str]:
    return [f"{key}: {value}" for key, value in facts.items()]


def markdown(report: dict[str, Any], summaries: list[ScenarioSummary]) -> str:
    facts = "\n".join(f"- {line}" for line in facts_lines(report["facts"]))
    caveats = "".join(f"- {note}\n" for note in report.get("notes", []))
    if caveats:
        caveats = f"Notes:\n\n{caveats}\n"
    descriptions = "\n".join(
        f"- `{s.scenario.name}`: `{s.scenario.path}` — {s.scenario.description}"
        for s in summaries
    )
    return (
        f"# Benchmark run {report['started_at']}\n\n"
        f"{markdown_table(summaries)}\n\n"
        "req/s, p50 and p99 are medians over the rounds; `vs ceiling` and `vs floor` "
        "are the median over rounds of the scenario's throughput divided by the "
        "baseline's in the same round.\n\n"
        f"{caveats}"
        f"## Scenarios\n\n{descriptions}\n\n"
        f"## Machine and settings\n\n{facts}\n"
    )


def write(
    results_dir: Path, report: dict[str, Any], summaries: list[ScenarioSummary]
) -> list[Path]:
    """Write ``<timestamp>-<database>.json/.md`` and ``latest.json/.md``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%d-%H%M%S")
    stem = f"{stamp}-{report['facts']['database']}"
    data = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    text = markdown(report, summaries)
    written = []
    for name, content in (
        (f"{stem}.json", data),
        (f"{stem}.md", text),
        ("latest.json", data),
        ("latest.md", text),
    ):
        path = results_dir / name
        path.write_text(content)
        written.append(path)
    return written


def per_partner_flatness(sizes: list[dict], phases) -> list[str]:
    """For a sweep measured at several numbers of partners (``sizes``, each with
    its ``phases`` in the order of ``phases``): each phase's cost per partner at
    the largest size over the smallest, wall and CPU (1 is flat)."""
    first, last = sizes[0], sizes[-1]
    out = []
    for index, phase in enumerate(phases):
        before, after = first["phases"][index], last["phases"][index]
        ratio = after["us_per_partner"] / before["us_per_partner"]
        cpu_before = before.get("cpu_us_per_partner") or 0
        cpu_ratio = (
            after.get("cpu_us_per_partner", 0) / cpu_before
            if cpu_before
            else float("nan")
        )
        out.append(
            f"  cost per partner, {phase}: {last['partners']:,} over "
            f"{first['partners']:,} partners = {ratio:.2f}, in CPU "
            f"{cpu_ratio:.2f} (1 is flat)"
        )
    return out
