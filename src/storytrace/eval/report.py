"""Renders an :class:`EvalResult` as a rich table (terminal) or Markdown (docs/quality.md).

Both show one row per task and metric, one column per system, and the margin of storytrace over the
best baseline with its 95% interval, so a regression or a loss is visible at a glance, and so is whether
the test split is large enough to tell. Tasks that keep a confusion matrix in
their notes (``copy``) also get storytrace's matrix as a small table of its own.
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.table import Table

from storytrace.eval.runner import PRIMARY, EvalResult, TaskResult

__all__ = ["Row", "behind_markdown", "systems_of", "rows", "render_table", "render_markdown", "confusion_of", "confusion_markdown"]


def systems_of(result: EvalResult) -> list[str]:
    """storytrace first, then baselines in the order they first appear."""
    names: list[str] = [PRIMARY]
    for t in result.tasks:
        for s in t.metrics:
            if s not in names:
                names.append(s)
    return names


Row = tuple[str, str, list[float | None], float | None, str | None, tuple[float, float] | None]


def rows(result: EvalResult) -> list[Row]:
    """(task, metric, value per system, margin, best baseline, 95% interval of the margin or None) for
    every metric of every task."""
    systems = systems_of(result)
    out = []
    for t in result.tasks:
        metrics: list[str] = []
        for ms in t.metrics.values():
            metrics += [k for k in ms if k not in metrics]
        for k in metrics:
            margin, who = t.margin(k)
            out.append((t.task, k, [t.metrics.get(s, {}).get(k) for s in systems], margin, who, t.intervals.get(k)))
    return out


_WIDE = 120
_PIPE_WIDTH = 240


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def _signed(v: float) -> str:
    return f"{round(v, 3) + 0.0:+.3f}"  # + 0.0: a rounded -0.0 prints as +0.000


def _fmt_margin(v: float | None, interval: tuple[float, float] | None = None) -> str:
    if v is None:
        return "–"
    return _signed(v) + (f" [{_signed(interval[0])},{_signed(interval[1])}]" if interval else "")


def confusion_of(task: TaskResult, system: str = PRIMARY) -> dict[str, dict[str, int]] | None:
    """``matrix[gold][predicted]`` a task keeps for ``system`` in its notes, if any."""
    return (task.notes.get("confusion") or {}).get(system)


def _confusion_table(matrix: dict[str, dict[str, int]], title: str) -> Table:
    table = Table(title=title)
    table.add_column("truth ↓ predicted →")
    cols = list(next(iter(matrix.values()), {}))
    for c in cols:
        table.add_column(c, justify="right")
    for g, row in matrix.items():
        table.add_row(g, *(f"[bold]{row[c]}[/]" if c == g else (f"[red]{row[c]}[/]" if row[c] else "0") for c in cols))
    return table


def confusion_markdown(matrix: dict[str, dict[str, int]]) -> str:
    """A confusion matrix as a Markdown table: one row per true label, one column per predicted label."""
    cols = list(next(iter(matrix.values()), {}))
    lines = ["| truth ↓ predicted → | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
    for g, row in matrix.items():
        lines.append(f"| {g} | " + " | ".join(f"**{row[c]}**" if c == g else str(row[c]) for c in cols) + " |")
    return "\n".join(lines)


def _console() -> Console:
    """The terminal's width, or, writing to a pipe or a file (no width to fit), one wide enough for every
    column and the margins' intervals: at rich's default 80 columns two baselines' names were both cut to
    "minhas…" and the intervals left out."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=_PIPE_WIDTH)
    return console


def render_table(result: EvalResult, console: Console | None = None) -> None:
    console = console or _console()
    systems = systems_of(result)
    changed = "".join(f"; {k}={v}" for k, v in result.settings.items())
    table = Table(title=f"storytrace eval {result.dataset} (split {result.split}; baselines tuned on dev{changed})")
    table.add_column("task")
    table.add_column("metric")
    for s in systems:
        table.add_column(s, justify="right", style="bold" if s == PRIMARY else None)
    # the intervals fit beside every system's column only on a wide terminal; --json always has them
    wide = console.width >= _WIDE
    table.add_column("margin [95% interval]" if wide else "margin", justify="right", no_wrap=True)
    for task, metric, values, margin, _, interval in rows(result):
        style = "red" if margin is not None and margin < 0 else "green" if margin else None
        cell = _fmt_margin(margin, interval if wide else None)
        table.add_row(task, metric, *map(_fmt, values), f"[{style}]{cell}[/]" if style else cell)
    console.print(table)
    if not wide and any(t.intervals for t in result.tasks):
        console.print(f"[dim]margins' 95% intervals: a terminal of {_WIDE}+ columns, or --json (margins.*.ci95)[/dim]")
    for t in result.tasks:
        notes = {k: v for k, v in t.notes.items() if k != "confusion"}  # baselines' matrices: see --json
        if notes:
            console.print(f"[dim]{t.task}: {notes}[/dim]")
    for task, why in result.skipped.items():
        console.print(f"not scored: {task}: {why}")
    for t in result.tasks:
        matrix = confusion_of(t)
        if matrix:
            console.print(_confusion_table(matrix, f"{t.task}: storytrace confusion (rows truth, columns predicted)"))
            console.print(f"[dim]every system's confusion matrix: --json, tasks.{t.task}.notes.confusion[/dim]")


def render_misses(result: EvalResult, limit: int, console: Console | None = None) -> None:
    """Up to ``limit`` of each task's items storytrace decides wrongly, as a table per task, with how many
    there are in all (``--json`` lists every one)."""
    console = console or _console()
    for t in result.tasks:
        if not t.misses:
            continue
        columns = list(dict.fromkeys(k for miss in t.misses for k in miss))
        console.print(f"{t.task}: {len(t.misses)} items storytrace gets wrong"
                      + (f" (the first {limit})" if len(t.misses) > limit else ""), highlight=False)
        table = Table()
        for c in columns:
            table.add_column(c)
        for miss in t.misses[:limit]:
            table.add_row(*(_cell(miss.get(c)) for c in columns))
        console.print(table)


def _cell(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return "–" if value is None else str(value)


def render_markdown(result: EvalResult) -> str:
    """A Markdown table; the margin column names the baseline it is measured against, with the margin's
    95% paired-bootstrap interval where the task's items allow one."""
    systems = systems_of(result)
    head = ["task", "metric", *systems, "margin [95% interval] (vs best baseline)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for task, metric, values, margin, who, interval in rows(result):
        cells = [f"**{_fmt(values[0])}**", *map(_fmt, values[1:])]
        lines.append("| " + " | ".join([task, metric, *cells, f"{_fmt_margin(margin, interval)} ({who})" if who else "–"]) + " |")
    return "\n".join(lines)


def behind_markdown(results: dict[str, EvalResult]) -> str:
    """A Markdown list of every row where storytrace trails the best baseline, each said to be a loss the
    split shows (its 95% interval lies below 0), within the split's noise (the interval holds 0), or
    untested (no interval: clusters and passages). Precision and recall trade against each other, so a
    row of one of them alone says little; read it next to F1."""
    lines = []
    for name, result in results.items():
        for task, metric, _, margin, who, interval in rows(result):
            if margin is None or round(margin, 3) >= 0:
                continue
            if interval is None:
                verdict = "no interval"
            elif interval[1] < 0:
                verdict = "a loss on this split"
            else:
                verdict = "within noise"
            shown = _fmt_margin(margin, interval)
            lines.append(f"- {name} {task} {metric}: {shown} vs {who}: {verdict}")
    return "\n".join(lines) if lines else "- none"
