"""The command line: one library call per command, output as rich tables or one JSON document.

Errors from the library become one clear line on stderr and a non-zero exit; results go to stdout.
"""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from . import __version__
from .errors import StorytraceError
from .dedup import LEVELS
from .provenance import relation_copier
from .index import BATCH_SIZE, EXPORTS, STORY_ORDERS, Index
from .model import Article, ReadError, Relation
from .network import SITE_ORDERS, rank_sites
from .relate import compare as compare_articles

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db", default="storytrace.db", show_default=True, type=click.Path(dir_okay=False),
                        envvar="STORYTRACE_DB", help="The index file (SQLite).")(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")(f)


def handle_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors become one line on stderr (exit 1), never a traceback."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except StorytraceError as e:
            err.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
            sys.exit(1)

    return wrapper


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Dates are compared as text in the index, so one that is not YYYY-MM-DD would match the wrong stories."""
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


def _id_column(header: str, ids: Iterable[str]) -> Column:
    """A column of ids the next command takes (show, --article): kept whole on one line, so that a narrow
    terminal squeezes the other columns rather than cutting an id short with nothing left to copy."""
    return Column(header, no_wrap=True, min_width=min(64, max((len(i) for i in ids), default=0)))


def emit_json(doc: Any) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def open_index(db: str, *, readonly: bool = True) -> Index:
    if readonly and not Path(db).exists():
        raise StorytraceError(f"{db}: no index here; run `storytrace scan PATH --db {db}` first")
    return Index(db, readonly=readonly)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storytrace")
def main() -> None:
    """Find the same news story in a pile of articles: copies, reprints, shared passages and rewrites."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@json_option
@click.option("--map", "mapping", multiple=True, metavar="THEIRS=OURS",
              help="Rename an input column, e.g. --map body=text (repeatable).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where the work runs.")
@click.option("--address", default=None, help="Ray cluster address (with --engine ray).")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="With --engine ray: also write stories, pairs and passages as Parquet here.")
@handle_errors
def scan(paths: tuple[str, ...], db: str, as_json: bool, mapping: tuple[str, ...], engine: str,
         address: str | None, out_dir: str | None) -> None:
    """Read articles from files or folders (txt, html, jsonl, csv, parquet) into the index."""
    col_map: dict[str, str] = {}
    for m in mapping:
        if "=" not in m:
            raise StorytraceError(f"--map takes THEIRS=OURS, got {m!r}")
        theirs, ours = m.split("=", 1)
        col_map[theirs.strip()] = ours.strip()
    if engine == "ray":
        from .engine.ray_engine import scan_with_ray

        report = scan_with_ray(list(paths), db=db, mapping=col_map or None, address=address, out_dir=out_dir)
        older_keys = False
    else:
        if not any(Path(p).exists() for p in paths):
            # Before the index is opened: a typo in the path must not leave an empty index behind.
            raise StorytraceError(f"{', '.join(paths)}: no such file or directory; nothing scanned")

        def on_error(e: ReadError) -> None:
            click.echo(f"warning: {e}", err=True)

        with Index(db) as index:
            older_keys = index.older_keys
            before = index.count()
            try:
                report = _scan_local(index, paths, col_map, on_error, progress=sys.stderr.isatty() and not as_json)
            except KeyboardInterrupt:
                # Each batch is stored in one transaction, so what is stored is whole: say so, and how to go on.
                stored = index.count() - before
                if stored:
                    err.print(f"interrupted: {stored} new articles stored in {db}; run the same scan again to go "
                              "on where it stopped", highlight=False)
                else:
                    err.print(f"interrupted before a batch was stored: nothing new in {db} (a scan stores "
                              f"{BATCH_SIZE:,} articles at a time); run the same scan again", highlight=False)
                sys.exit(130)
    _print_scan(report, db, as_json, older_keys)


def _scan_local(index: Index, paths: tuple[str, ...], col_map: dict[str, str],
                on_error: Callable[[ReadError], None], progress: bool) -> Any:
    """``Index.scan``, with a progress bar on a terminal."""
    if progress:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("scanning"), BarColumn(), TextColumn("{task.completed} articles"),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task("scan", total=None)
            return index.scan(paths, mapping=col_map or None, on_error=on_error,
                              progress=lambda n: bar.advance(task, n))
    return index.scan(paths, mapping=col_map or None, on_error=on_error)


def _print_scan(report: Any, db: str, as_json: bool, older_keys: bool) -> None:
    if as_json:
        emit_json(report.to_dict())
    else:
        rate = report.read / report.seconds if report.seconds else 0.0
        out.print(f"read {report.read} article{'' if report.read == 1 else 's'} ({report.added} new, "
                  f"{report.unchanged} already indexed), skipped {report.skipped}; {report.pairs} new related "
                  f"pairs; {report.stories} stories in {db} "
                  f"[{report.seconds:.1f}s, {rate:.0f} articles/s]", highlight=False)
        if older_keys:
            err.print(f"note: {db} holds articles keyed by an older storytrace (a country's adjective apart "
                      "from the country, or a Chinese or Japanese clause as one word); they match a little less "
                      "well until the index is built again: "
                      f"storytrace export --db {db} --out articles.jsonl, then scan articles.jsonl into a new --db",
                      highlight=False)
        if report.conflicts:
            shown = ", ".join(report.conflicts[:3]) + (", ..." if len(report.conflicts) > 3 else "")
            err.print(f"warning: {len(report.conflicts)} articles left out: their id is stored (or came earlier in "
                      f"this scan) with another text, which is kept: {shown}; give a changed text its own id",
                      highlight=False, markup=False)
        if report.repaired:
            out.print("repaired on reading: " + ", ".join(f"{name} in {n}" for name, n in report.repaired.items()),
                      highlight=False)
        if report.upgraded:
            out.print(f"named the disguises of {report.upgraded} copy pairs stored by an older storytrace",
                      highlight=False)
        if report.reheaded:
            out.print(f"{report.reheaded} stored stories name another first publisher now: their earliest-dated "
                      "article plays a trick only copiers play, which an older storytrace did not weigh against "
                      "the dates", highlight=False)
        if report.relabelled:
            out.print(f"{report.relabelled} stored exact copies are near now: one side glues its sentences "
                      "together or writes fullwidth or mathematical letters, which an older storytrace did not "
                      "tell apart", highlight=False)
    if report.read == 0 and report.unchanged == 0:
        err.print("error: nothing could be read", highlight=False)
        sys.exit(1)


@main.command()
@db_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0), help="How many stories (0 for all).")
@click.option("--search", default=None, help="Only stories whose headlines contain these words.")
@click.option("--site", default=None, help="Only stories with an article from this site.")
@click.option("--since", default=None, callback=_iso_date,
              help="Only stories with an article on or after this date (YYYY-MM-DD).")
@click.option("--until", default=None, callback=_iso_date, help="Only stories that began on or before this date.")
@click.option("--order", type=click.Choice(STORY_ORDERS), default="size", show_default=True)
@click.option("--min-size", default=1, show_default=True, type=click.IntRange(1),
              help="Leave out stories with fewer articles.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Skip this many stories first.")
@handle_errors
def stories(db: str, as_json: bool, limit: int, search: str | None, site: str | None, since: str | None,
            until: str | None, order: str, min_size: int, offset: int) -> None:
    """The stories found, biggest first."""
    with open_index(db) as index:
        found = index.stories(limit=limit or None, offset=offset, search=search, site=site, since=since,
                              until=until, order=order, min_size=min_size)
    if as_json:
        emit_json([s.to_dict() for s in found])
        return
    # The date the order is by: a story's last article for "recent", its first otherwise.
    last = order == "recent"
    t = Table(_id_column("story", (s.id for s in found)), "articles", "last published" if last else "published",
              "first site", "headline")
    # On a terminal, one line per story: the headline gets what the other columns leave. Piped, nothing is cut.
    room = max(12, out.width - 40 - max((len(s.first_site or "") for s in found), default=0)) \
        if out.is_terminal else 10_000
    for s in found:
        head = s.headline if len(s.headline) <= room else s.headline[: room - 1] + "…"
        when = s.last_published if last else s.first_published
        t.add_row(*map(escape, (s.id, str(s.size), (when or "?")[:10], s.first_site or "", head)))
    out.print(t)


@main.command()
@click.argument("story_id")
@db_option
@json_option
@handle_errors
def show(story_id: str, db: str, as_json: bool) -> None:
    """One story: its articles on a timeline, who published first, what they share."""
    with open_index(db) as index:
        story = index.story(story_id)
        arts = [index.article(m) for m in story.members]
        member_set = set(story.members)
        rels = [r for m in story.members for r in index.relations(m)
                if r.a in member_set and r.b in member_set and r.a == m]
        detail = []
        for r in rels:
            if r.copy != "none":
                full = index.pair(r.a, r.b)
                detail.append(full)
            else:
                detail.append(r)
    if as_json:
        doc = story.to_dict()
        doc["articles"] = [{k: v for k, v in a.to_dict().items() if k != "text"} for a in arts]
        doc["pairs"] = [r.to_dict() for r in detail]
        emit_json(doc)
        return
    out.print(f"[bold]{escape(story.headline)}[/bold]  ({escape(story.id)}, {story.size} articles)", highlight=False)
    out.print(f"first published: {story.first_published or 'unknown'} by {story.first_site or story.first}",
              highlight=False)
    if story.members and story.first != story.members[0]:
        out.print("  (the articles dated before it play tricks only copiers play against another article of "
                  "the story: copies, whatever their dates say)", highlight=False)
    t = Table("published", "site", "author", _id_column("article", (a.id for a in arts)), "title")
    for a in arts:
        t.add_row(*map(escape, (a.published or "?", a.site or "", a.author or "", a.id, a.title[:60])))
    out.print(t)
    for g in story.reprint_groups:
        out.print(f"reprints: {', '.join(g)}", highlight=False, markup=False)
    for r in detail:
        out.print(f"\n{r.a} ~ {r.b}: copy={r.copy} story={r.story} story score={r.scores.get('story', 0):.2f}",
                  highlight=False, markup=False)
        for p in r.passages:
            if p.kind == "verbatim":
                out.print(f"  shared: {p.a_text[:160]!r}", highlight=False, markup=False)


def _read_one(path: str) -> Article:
    from .ingest import read_file

    arts, errors = read_file(path)
    if not arts:
        raise StorytraceError(str(errors[0]) if errors else f"{path}: no article found")
    for e in errors:
        click.echo(f"warning: {e}", err=True)
    if len(arts) > 1:
        click.echo(f"warning: {path} holds {len(arts)} articles; using the first", err=True)
    return arts[0]


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--semantic", is_flag=True,
              help="Also pair sentences told in other words by sentence embeddings (needs `make semantic` or "
                   "`pip install 'storytrace[semantic]'`); copy decisions stay lexical.")
@click.option("--db", default=None, type=click.Path(dir_okay=False),
              help="A or B that is no file is an article id stored in this index (as stories, show and "
                   "pairs print them), compared with the index's settings.")
@json_option
@handle_errors
def compare(a: str, b: str, semantic: bool, db: str | None, as_json: bool) -> None:
    """How two articles relate, with the passages they share side by side: two files, or with --db stored
    article ids."""
    settings = None
    if db is not None and not (Path(a).is_file() and Path(b).is_file()):
        with open_index(db) as index:
            art_a, art_b = (index.article(x) if not Path(x).is_file() else _read_one(x) for x in (a, b))
            settings = index.settings
    else:
        art_a, art_b = _read_one(a), _read_one(b)
    scorer = None
    if semantic:
        from storytrace.semantic import encoder, similarity_matrix

        enc = encoder()  # fails here, with the install command, when the extra is missing

        def scorer(xs: Any, ys: Any) -> Any:
            return similarity_matrix(xs, ys, enc)
    rel = compare_articles(art_a, art_b, settings, paraphrase_scorer=scorer)
    if as_json:
        emit_json(rel.to_dict())
        return
    earlier = {"a": a, "b": b}.get(rel.earlier or "", "unknown")
    out.print(f"copy: [bold]{rel.copy}[/bold]   story: [bold]{rel.story}[/bold]   earlier: {earlier}",
              highlight=False)
    out.print("scores: " + ", ".join(f"{k}={v:.3f}" for k, v in rel.scores.items()), highlight=False)
    t = Table("kind", Path(a).name, Path(b).name, show_lines=True)
    for p in rel.passages:
        t.add_row(p.kind, escape(p.a_text), escape(p.b_text))
    out.print(t)
    for side, spans in (("a", rel.unrelated_a), ("b", rel.unrelated_b)):
        for s in spans:
            out.print(f"unrelated in {side}: {s.text[:200]!r}", highlight=False, markup=False)
    for side, tricks in (("a", rel.disguises_a), ("b", rel.disguises_b)):
        for d in tricks or ():
            out.print(f"disguise in {side}: {d.label} x{d.count} ({', '.join(d.examples)})",
                      highlight=False, markup=False)
    copier = relation_copier(rel)
    if rel.copy != "none" and copier is not None:
        path = a if copier == "a" else b
        out.print(f"the copy: {copier} ({path}) plays tricks only copiers play, whatever the dates say",
                  highlight=False, markup=False)


@main.command()
@click.argument("path", type=click.Path(dir_okay=False))
@db_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0), help="How many matches (0 for all).")
@handle_errors
def query(path: str, db: str, as_json: bool, limit: int) -> None:
    """Which stored articles this one copies or retells (stores nothing)."""
    art = _read_one(path)
    with open_index(db) as index:
        matches = index.query(art, limit=limit or sys.maxsize)
    if as_json:
        emit_json([m.to_dict() for m in matches])
        return
    t = Table(_id_column("article", (m.article.id for m in matches)), "site", "published", "copy", "story", "reuse",
              "story score", "disguises", "title")
    for m in matches:
        s = m.relation.scores
        tricks = ", ".join(d.label for d in m.relation.disguises_a or ())
        t.add_row(*map(escape, (m.article.id, m.article.site or "", m.article.published or "", m.relation.copy,
                  m.relation.story, f"{s.get('reuse', 0):.2f}", f"{s.get('story', 0):.2f}", tricks,
                  m.article.title[:50])))
    out.print(t)


@main.command()
@db_option
@json_option
@click.option("--copy", type=click.Choice(["exact", "near", "partial", "none"]), default=None)
@click.option("--story", type=click.Choice(["same", "different"]), default=None)
@click.option("--article", default=None, help="Only pairs with this article.")
@click.option("--limit", default=0, show_default=True, type=click.IntRange(0), help="How many pairs (0 for all).")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Skip this many pairs first.")
@handle_errors
def pairs(db: str, as_json: bool, copy: str | None, story: str | None, article: str | None, limit: int,
          offset: int) -> None:
    """Every related pair with its relation, scores and, for a copy, the disguises each side plays."""
    with open_index(db) as index:
        if article is not None:
            index.article(article)  # an id that is not stored is an error, as in show, not an empty list
        rels = list(index.pairs(copy=copy, story=story, article_id=article, limit=limit or None, offset=offset))
    if as_json:
        emit_json([r.summary() for r in rels])
        return
    t = Table(_id_column("a", (r.a for r in rels)), _id_column("b", (r.b for r in rels)), "copy", "story",
              "story score", "reuse", "earlier", "disguises")
    for r in rels:
        t.add_row(*map(escape, (r.a, r.b, r.copy, r.story, f"{r.scores.get('story', 0):.2f}",
                                f"{r.scores.get('reuse', 0):.2f}", r.earlier or "", _tricks_cell(r))))
    out.print(t)


def _tricks_cell(r: Relation) -> str:
    """'a: swapped words; b: lookalike letters', '' for none, '?' where a stored copy was never looked at."""
    if r.disguises_a is None or r.disguises_b is None:
        return "?"
    return "; ".join(f"{side}: {', '.join(d.label for d in found)}"
                     for side, found in (("a", r.disguises_a), ("b", r.disguises_b)) if found)


@main.command()
@db_option
@json_option
@click.option("--limit", default=30, show_default=True, type=click.IntRange(0), help="How many sites (0 for all).")
@click.option("--sort", "order", type=click.Choice(SITE_ORDERS), default="articles", show_default=True,
              help="Largest first by this: copy_share or disguised_share (with --min-articles) lists likely "
                   "content farms first.")
@click.option("--min-articles", default=1, show_default=True, type=click.IntRange(1),
              help="Leave out sites with fewer articles (a one-article site's share says little).")
@click.option("--links", is_flag=True,
              help="List who copies whom instead: one row per pair of sites, most copies first.")
@handle_errors
def sites(db: str, as_json: bool, limit: int, order: str, min_articles: int, links: bool) -> None:
    """Sites with their copy signals: how many of their articles copy an earlier article of another site
    (and their share), how many of those copies hide it with a trick only copiers play (look-alike
    letters, hidden characters, sentences glued together, a function word dropped throughout), how many
    others copied, the median hours from source to copy, and whom each copies (copied text, the earlier
    article as source)."""
    if links:
        _site_links(db, as_json, limit)
        return
    with open_index(db) as index:
        rows = rank_sites(index.sites(), order, min_articles)
    if limit:
        rows = rows[:limit]
    if as_json:
        emit_json(rows)
        return
    t = Table("site", "articles", "copies (share)", "disguised (share)", "copied by others", "median lag",
              "copies from (pairs)")
    for r in rows:
        sources = sorted(r["copied_from"].items(), key=lambda kv: (-kv[1], kv[0]))
        lag = r["median_lag_hours"]
        share = r["disguised_share"]
        t.add_row(*map(escape, (r["site"] or "(unknown)", str(r["articles"]),
                                f"{r['copies']} ({r['copy_share']:.0%})",
                                "–" if share is None else f"{r['disguised']} ({share:.0%})", str(r["copied"]),
                                "–" if lag is None else f"{lag:.1f} h",
                                ", ".join(f"{_source_name(s, r['site'])} ({n})" for s, n in sources[:5]))))
    out.print(t)


def _source_name(source: str | None, site: str | None) -> str:
    """A site's own archive reprinted is not a copy of another site (it counts in no copy share): say so,
    or the row reads "copies 0" beside "copies from: itself (70)"."""
    if source and source == site:
        return "its own articles"
    return source or "(unknown)"


def _site_links(db: str, as_json: bool, limit: int) -> None:
    with open_index(db) as index:
        rows = index.site_links()
    if limit:
        rows = rows[:limit]
    if as_json:
        emit_json(rows)
        return
    t = Table("site", "copies from", "copies", "pairs", "median lag", "disguised")
    for r in rows:
        t.add_row(*map(escape, (r["site"] or "(unknown)", r["copies_from"] or "(unknown)", str(r["copies"]),
                                str(r["pairs"]),
                                "–" if r["median_lag_hours"] is None else f"{r['median_lag_hours']:.1f} h",
                                "–" if r["disguised"] is None else str(r["disguised"]))))
    out.print(t)


@main.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl", show_default=True)
@click.option("--what", type=click.Choice(EXPORTS), default="articles", show_default=True,
              help="links: the site copy network as an edge list (site, copies_from, copies, pairs, lag).")
@click.option("--out", "out_path", default="-", show_default=True, help="File to write ('-' for stdout).")
@click.option("--dedup", type=click.Choice(list(LEVELS)), default=None,
              help="Articles only: write one article per group of copies, exact ones or reprints too (near). "
                   "The earliest published is kept; its row lists the ids it stands for in `duplicates`.")
@handle_errors
def export(db: str, fmt: str, what: str, out_path: str, dedup: str | None) -> None:
    """Write articles (with story ids), pairs, stories, sites (with their copy signals) or the links
    between sites (who copies whom) as JSONL, CSV or Parquet."""
    with open_index(db) as index:
        if out_path == "-":
            if fmt == "parquet":
                raise StorytraceError("parquet needs a file: use --out FILE.parquet")
            n = index.export(sys.stdout, format=fmt, what=what, dedup=dedup)
        else:
            n = index.export(out_path, format=fmt, what=what, dedup=dedup)
        total = index.count()
    if dedup:
        click.echo(f"wrote {n} {what}, one per group of {dedup} copies ({total - n} of {total} left out)", err=True)
    else:
        click.echo(f"wrote {n} {what}", err=True)


def _register_optional() -> None:
    """Commands that live with their own modules (eval, synth, serve, report)."""
    import importlib

    for module, attr in (("storytrace.eval.command", "eval_cmd"), ("storytrace.synth", "synth_cmd"),
                         ("storytrace.server.command", "serve_cmd"), ("storytrace.report", "report_cmd")):
        try:
            cmd = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as e:
            # A missing optional extra: say how to get it instead of failing the whole CLI.
            name = attr.removesuffix("_cmd")
            missing = str(e)

            @main.command(name=name, context_settings={"ignore_unknown_options": True})
            @click.argument("args", nargs=-1, type=click.UNPROCESSED)
            def _missing(args: tuple[str, ...], _m: str = missing, _n: str = name) -> None:
                err.print(f"error: `storytrace {_n}` is unavailable ({_m}); "
                          "install the extras: pip install 'storytrace[server,eval]'", highlight=False)
                sys.exit(1)
        else:
            main.add_command(cmd)


_register_optional()

if __name__ == "__main__":  # pragma: no cover
    main()
