"""`papertui fetch` and `papertui add`: the command line of the sources."""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from typing import Callable, TextIO

from papertui.cli.common import count
from papertui.command_line import CommandParser, UsageError, ids_given
from papertui.links import parse_arxiv_id
from papertui.sources import arxiv, crossref, hf, oai
from papertui.sources.config import config_path, fetch_plan, read_config
from papertui.sources.http import FetchError, Stopped
from papertui.sources.library import Library, LibraryError
from papertui.sources.report import FetchReport
from papertui.sources.runs import Clients, run_plan
from papertui.terminal_progress import PROG, ProgressLine

FETCH_USAGE = (
    f"{PROG} fetch [hf [--date D | --since D [--until D] | --days N]]\n"
    f"       {PROG} fetch arxiv CAT [CAT ...] [--since D]\n"
    f"       {PROG} fetch arxiv --query QUERY [--limit N]\n"
    f"       {PROG} fetch oai --set SET [--from D] [--until D] [--metadata FORMAT]\n"
    f"       {PROG} fetch s2 --recommend [--limit N]"
)
RULES = (
    "arXiv asks for at most one request every 3 seconds, one at a time, across all its services;\n"
    "papertui keeps to that (and to one a second with Hugging Face), honours Retry-After on\n"
    "HTTP 429 and 503, and stops with one line after 3 retries. Base addresses, for mirrors and\n"
    "tests: $PAPERTUI_HF_API, $PAPERTUI_ARXIV_API, $PAPERTUI_ARXIV_RSS, $PAPERTUI_ARXIV_OAI.\n"
    "Every answer is bounded in size and time ([limits] in the config file, or $PAPERTUI_ANSWER_MB,\n"
    "$PAPERTUI_PDF_MB, $PAPERTUI_ANSWER_SECONDS, $PAPERTUI_PDF_SECONDS).\n"
    "exit status: 0 when every fetch worked, 1 when a service could not be reached, answered\n"
    "an error or sent nothing readable (what was fetched before is kept), 2 on a usage error,\n"
    "130 on Ctrl+C."
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def _positive(text: str) -> int:
    """A count of at least 1, checked as every count of the command line is (ASCII digits: "²"
    and "٣" pass str.isdigit, and int() fails on the first)."""
    negative = text.strip().startswith("-")
    number = count(text.strip().removeprefix("-"))
    if negative or number < 1:  # said with the number: a run of zeros is not repeated back
        raise argparse.ArgumentTypeError(f"must be 1 or more: {'-' * negative}{number}")
    return number


def fetch_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} fetch",
        usage=FETCH_USAGE,
        description=(
            "Fetch papers into the library in the data directory, where the browser finds them "
            "(with the seeds) when started without a PATH. With no source, fetch what the config "
            f"file lists ({config_path()}; $PAPERTUI_CONFIG overrides it)."
        ),
        epilog="sources:\n"
        "  hf       Hugging Face daily papers, one request a day (default: today)\n"
        "  arxiv    CAT ...: the latest announcement (RSS); with --since, a back-fill through the API;\n"
        "           --query: any API search (ti:, au:, abs:, cat:, AND, OR)\n"
        "  oai      a bulk harvest through OAI-PMH, resumed where it stopped if interrupted\n"
        "  s2       --recommend: Semantic Scholar's recommendations for your starred papers (one request,\n"
        "           one more for the abstracts it left out; $PAPERTUI_S2_API, $PAPERTUI_S2_API_KEY)\n\n" + RULES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", nargs="?", choices=("hf", "arxiv", "oai", "s2"), help="what to fetch (default: the config file's sources)")
    parser.add_argument("categories", nargs="*", metavar="CAT", help="arXiv categories, as cs.CL")
    parser.add_argument("--date", type=_day, metavar="D", help="hf: this day")
    parser.add_argument("--since", type=_day, metavar="D", help="hf: from this day; arxiv: submitted since this day")
    parser.add_argument("--until", type=_day, metavar="D", help="hf, oai: up to this day (default: today)")
    parser.add_argument("--days", type=_positive, metavar="N", help="hf: the last N days")
    parser.add_argument("--query", metavar="QUERY", help="arxiv: an API search")
    parser.add_argument("--limit", type=_positive, default=100, metavar="N", help="arxiv --query, s2 --recommend: at most N papers (default 100)")
    parser.add_argument("--set", dest="set_spec", metavar="SET", help="oai: the set, as cs or cs:cs:CL")
    parser.add_argument("--from", dest="from_", type=_day, metavar="D", help="oai: records changed since this day")
    parser.add_argument("--metadata", choices=oai.METADATA_FORMATS, default="oai_dc", help="oai: metadata format (default oai_dc)")
    parser.add_argument("--recommend", action="store_true", help="s2: papers like your starred ones")
    return parser


def add_parser() -> argparse.ArgumentParser:
    return CommandParser(
        prog=f"{PROG} add",
        description="Add papers to the library by arXiv id or URL, or by DOI (looked up on Crossref; "
        "an arXiv DOI is added from arXiv); - reads them from standard input, one a line.",
        epilog=RULES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def run_fetch(argv: list[str], stdout: TextIO, stderr: TextIO, today: date | None = None) -> int:
    args = fetch_parser().parse_args(argv)
    today = today or date.today()
    library = Library()
    clients = Clients()
    for line in clients.limits.problems:
        print(f"{PROG}: warning: {line}", file=stderr)
    if args.source is None:
        config, problem = read_config()
        plan = fetch_plan(config)
        for line in ([problem] if problem else []) + plan.problems:
            print(f"{PROG}: warning: {line}", file=stderr)
        if plan.empty:
            print(
                f"{PROG}: error: nothing to fetch: name a source (hf, arxiv, oai) or list them in {config_path()}, "
                'as: hf = true and arxiv = ["cs.CL"]',
                file=stderr,
            )
            return 2
        return _run(lambda progress: run_plan(plan, library, clients, progress, today), stdout, stderr)
    if args.source == "hf":
        days = _hf_days(args, today)
        return _run(lambda progress: [hf.fetch_days(days, clients.hf(), library, progress)], stdout, stderr)
    if args.source == "arxiv":
        if args.query:
            if args.categories:
                raise UsageError("give categories or --query, not both")
            return _run(lambda p: [arxiv.fetch_search(args.query, clients.arxiv(), library, limit=args.limit, progress=p)], stdout, stderr)
        if not args.categories:
            raise UsageError("name one or more categories (as cs.CL), or give --query")
        if args.since:
            query = " OR ".join(f"cat:{category}" for category in args.categories)
            name = f"arXiv {'+'.join(args.categories)} since {args.since}"
            return _run(lambda p: [arxiv.fetch_search(query, clients.arxiv(), library, since=args.since, name=name, progress=p)], stdout, stderr)
        return _run(lambda p: [arxiv.fetch_announcement(args.categories, clients.arxiv("arXiv's RSS feeds"), library, p)], stdout, stderr)
    if args.source == "s2":
        return _run_recommendations(args, library, clients, stdout, stderr, today)
    if not args.set_spec:
        raise UsageError("oai needs --set, as --set cs")
    return _run(
        lambda p: [oai.harvest(args.set_spec, clients.arxiv("arXiv's OAI-PMH service"), library, since=args.from_, until=args.until, metadata=args.metadata, progress=p)],
        stdout,
        stderr,
    )


DOI_MARK = "doi:"  # what tells a DOI from an arXiv id among the ids given


def _id_or_doi(text: str) -> str | None:
    """An arXiv id, or `doi:` and a DOI; an arXiv DOI (10.48550/arXiv.ID) is its arXiv id:
    arXiv registers those with DataCite, and Crossref does not know them."""
    from papertui.corpus.reference import arxiv_id_from_doi, clean_doi

    found = parse_arxiv_id(text)
    if found:
        return found
    doi = clean_doi(text)
    return (arxiv_id_from_doi(doi) or DOI_MARK + doi) if doi else None


def _ids_or_dois_given(arguments: list[str], stderr: TextIO) -> list[str]:
    """`ids_given` for `add`, whose warning names the DOI it also takes."""
    return ids_given(arguments, _id_or_doi, stderr, what="an arXiv id, URL or DOI")


def run_add(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = add_parser()
    parser.add_argument("ids", nargs="+", metavar="ID|URL|DOI")
    args = parser.parse_args(argv)
    given = _ids_or_dois_given(args.ids, stderr)
    ids = [found for found in given if not found.startswith(DOI_MARK)]
    dois = [found.removeprefix(DOI_MARK) for found in given if found.startswith(DOI_MARK)]
    if not given:
        print(f"{PROG}: error: no arXiv id or DOI to add", file=stderr)
        return 2
    library, clients = Library(), Clients()

    def work(progress: Callable) -> list[FetchReport]:
        reports = [arxiv.fetch_ids(ids, clients.arxiv(), library, progress)] if ids else []
        if dois:
            client, problems = crossref.client(stop=clients.stop)
            for line in problems:
                print(f"{PROG}: warning: {line}", file=stderr)
            reports.append(crossref.fetch_dois(dois, client, library, progress))
        return reports

    return _run(work, stdout, stderr)


def _run_recommendations(
    args: argparse.Namespace, library: Library, clients: Clients, stdout: TextIO, stderr: TextIO, today: date
) -> int:
    """`fetch s2 --recommend`: one line of outcome; 1 when nothing could be fetched."""
    from papertui.sources.citations.client import MAX_RECOMMENDATIONS
    from papertui.sources.citations.recommended import fetch_recommendations, starred_ids
    from papertui.marks.store import MarkStore

    if not args.recommend:
        raise UsageError("s2 needs --recommend (citation counts come with: papertui enrich)")
    if args.limit > MAX_RECOMMENDATIONS:
        raise UsageError(f"s2 --recommend gives at most {MAX_RECOMMENDATIONS} papers: --limit {args.limit} is too many")
    marks = MarkStore.open()
    for line in marks.warnings:
        print(f"{PROG}: warning: {line}", file=stderr)
    positive, without_id = starred_ids(marks)
    if not positive:
        unnamed = f" ({without_id:,} starred without an arXiv id cannot be named to it)" if without_id else ""
        print(f"{PROG}: error: no starred paper to ask Semantic Scholar about{unnamed}; star papers with s in the app, then fetch again", file=stderr)
        return 1
    client, problems = clients.s2()
    for line in (line for line in problems if line not in clients.limits.problems):  # those were said above
        print(f"{PROG}: warning: {line}", file=stderr)
    reports: list[FetchReport] = []

    def work(progress: Callable) -> list[FetchReport]:
        reports.append(fetch_recommendations(positive, client, library, limit=args.limit, today=today, progress=progress))
        return reports

    status = _run(work, stdout, stderr)
    if status == 0 and reports and not reports[0].papers:
        print(f"{PROG}: error: {reports[0].source}: nothing to store; star other papers, or try again later", file=stderr)
        status = 1
    return status


def _hf_days(args: argparse.Namespace, today: date) -> list[date]:
    chosen = [name for name in ("date", "since", "days") if getattr(args, name)]
    if len(chosen) > 1:
        raise UsageError(f"give one of --date, --since and --days, not {' and '.join('--' + c for c in chosen)}")
    try:
        if args.date:
            return [args.date]
        if args.since:
            return hf.days_between(args.since, args.until or today)
        if args.days:
            return hf.days_between(today - timedelta(days=args.days - 1), today)
    except ValueError as error:
        raise UsageError(str(error)) from None
    return [today]


def _run(work: Callable[[Callable], list[FetchReport]], stdout: TextIO, stderr: TextIO) -> int:
    """Run fetches with a progress bar on stderr; one summary line each on stdout."""
    meter = ProgressLine(stderr)
    started = time.monotonic()
    status = 0
    reports: list[FetchReport] = []
    try:
        reports = work(lambda what, done, total: meter.bar(what, done, total, started))
    except FetchError as error:
        meter.clear()
        print(f"{PROG}: error: {error}; what was fetched before is kept", file=stderr)
        status = 1
    except LibraryError as error:
        meter.clear()
        print(f"{PROG}: error: {error}", file=stderr)
        status = 1
    except (KeyboardInterrupt, Stopped):
        meter.clear()
        print(f"{PROG}: interrupted; what was fetched is kept", file=stderr)
        status = 130
    finally:
        meter.clear()
    for report in reports:
        for line in report.lines:
            print(f"{PROG}: {report.source}: {line}", file=stderr)
        print(report.summary(), file=stdout)
    for report in reports:
        if report.failed:  # a refused feed or a day of junk is a failure, not an empty day
            print(f"{PROG}: error: {report.source}: {report.failed}", file=stderr)
            status = status or 1
    return status
