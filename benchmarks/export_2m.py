"""Exporting 2,000,000 contributions: time, rows/s and peak memory of the real export path.

    make bench-export                                  # 2,000,000 rows
    python -m benchmarks.export_2m 200000              # fewer
    python -m benchmarks.export_2m 2000 --no-record    # a smoke run (the tests do this)

What this measures is the EXPORTER, not the generator: the contributions read model of a
throwaway PostgreSQL schema is filled directly in SQL (``generate_series``), with rows
shaped like the real ones (French texts of 150 to 400 characters, five kinds, five themes,
one in ten collected in a public meeting, some hidden or withdrawn, an arrondissement and
sometimes the City's answer in the restitution read model, d'accord totals skewed as votes
are, with the matching vote counts so the `agree` column's suppression does its real
work). No event is written: the event log, the projections and their speed are another
benchmark's business (benchmarks/generator.py, B2/B3). The ``search`` column (a generated
French tsvector, for the site's search box) is dropped from the throwaway table before the
fill and put back empty (a plain column) after it: computing it for 2,000,000 texts would
measure PostgreSQL's stemmer, and the export never reads it.

Then, in a fresh Python process, the WSGI application is built and
``GET /opendata/contributions/contributions.csv`` is called: the view writes the file
through the export cache (engage/opendata/exports.py: one snapshot, keyset pages, a
temporary file renamed into place), exactly as a download does. The child reports wall
time, rows/s, its resident set's high-water mark (``resource.getrusage().ru_maxrss``)
before the request (the application built) and after, and, in a second child run under
``tracemalloc``, the peak of Python's own allocations (tracemalloc slows Python down
several times: the time of that run is not the export's time). The schema is dropped at
the end, whatever happens.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import psycopg

from . import environment

DEFAULT_ROWS = 2_000_000
RESULTS = os.path.join(os.path.dirname(__file__), "RESULTS.md")
LIMIT_MB = 200

CHILD = r"""
import json, os, resource, sys, time, tracemalloc
from webob import Request
from engage import main

settings = json.loads(os.environ["ENGAGE_BENCH_SETTINGS"])
traced = sys.argv[1] == "trace"
app = main({}, **settings)
Request.blank("/opendata").call_application(app)  # warm: templates, registry, pools
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if traced:
    tracemalloc.start()
start = time.perf_counter()
status, headers, body = Request.blank("/opendata/contributions/contributions.csv").call_application(app)
elapsed = time.perf_counter() - start
traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
if traced:
    tracemalloc.stop()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
path = body.file.name
size = os.path.getsize(path)
rows = -1  # the header line
with open(path, "rb") as handle:
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        rows += chunk.count(b"\n")
body.close()
built = app.registry.opendata_exports.built  # 1: this process wrote the file (not a cached one)
print(json.dumps({"built": built, "status": status, "seconds": elapsed, "bytes": size, "rows": rows,
                  "rss_before_kb": before, "rss_peak_kb": after, "traced_peak": traced_peak}))
app.registry.engage.close()
"""

KINDS = "ARRAY['proposition', 'avis', 'argument-pour', 'argument-contre', 'question']"
THEMES = "ARRAY['Information des habitants', 'Budget participatif', 'Conseils de quartier', 'Propreté', 'Mobilités']"
OPENINGS = (
    "ARRAY['Il faudrait publier les comptes rendus des conseils de quartier dans la semaine qui suit la séance',"
    " 'Je propose que le budget participatif réserve une part aux projets portés par les collégiens',"
    " 'Les réunions publiques devraient se tenir le soir après 19 heures pour que les actifs puissent venir',"
    " 'Pourquoi ne pas installer des bancs et des fontaines le long du canal, côté quai de Jemmapes',"
    " 'La charte doit dire comment la Ville répond aux propositions qui recueillent beaucoup de soutiens',"
    " 'Je ne suis pas d''accord : les ateliers du samedi matin excluent les familles qui travaillent',"
    " 'Comment seront choisis les membres tirés au sort de l''assemblée citoyenne de Paris',"
    " 'Une traduction en langue des signes et en FALC rendrait les consultations accessibles à toutes et tous']"
)
ENDINGS = (
    "ARRAY['.', ', et afficher les dates dans les halls d''immeubles.',"
    " ', comme cela se fait déjà dans le 14e arrondissement, avec de bons résultats.',"
    " '. Merci de nous tenir informés de la suite donnée à cette idée.',"
    " ', en lien avec les associations du quartier et les conseils de quartier concernés.',"
    " '. C''est une question d''égalité entre les habitants des différents arrondissements.']"
)


def fill(url: str, rows: int) -> float:
    """The read models an export of the contributions dataset reads, filled in SQL."""
    start = time.perf_counter()
    with psycopg.connect(**environment.conninfo(url), autocommit=True) as conn:
        schema = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))["schema"]
        conn.execute(f"SET search_path TO {schema}")
        conn.execute("ALTER TABLE rm_contributions DROP COLUMN IF EXISTS search")
        # The live counters live in rm_contribution_counts and rm_restitution_support: drawn here
        # in two scratch columns, copied there below, then dropped.
        conn.execute("ALTER TABLE rm_contributions ADD COLUMN replies INTEGER, ADD COLUMN agree INTEGER")
        conn.execute(f"""
            INSERT INTO rm_contributions (contribution_id, consultation_id, position, parent_id, top_level, kind,
                theme, channel, author_id, organization_id, meeting_id, transcriber_id, paper_reference,
                scan_sha256, body, status, hidden_reason, posted_at, edited_at, versions, replies, reports, agree,
                flagged_for_study)
            SELECT md5('contribution' || n), md5('consultation' || (n % 4)), n,
                   CASE WHEN n % 5 = 0 THEN md5('contribution' || (n - 1)) END, n % 5 <> 0,
                   ({KINDS})[1 + n % 5], ({THEMES})[1 + (n / 7) % 5],
                   CASE WHEN n % 10 = 3 THEN 'en présentiel' ELSE 'en ligne' END,
                   CASE WHEN n % 10 = 3 THEN NULL ELSE md5('person' || (n % 60000)) END,
                   CASE WHEN n % 50 = 1 THEN md5('organization' || (n % 40)) END,
                   CASE WHEN n % 10 = 3 THEN md5('meeting' || (n % 300)) END,
                   CASE WHEN n % 10 = 3 THEN md5('transcriber' || (n % 12)) END, NULL, NULL,
                   ({OPENINGS})[1 + n % 8] || ({ENDINGS})[1 + (n / 8) % 6]
                       || CASE WHEN n % 3 = 0 THEN ' Il y a aussi la question du calendrier, qui n''a pas été'
                               || ' abordée lors de la dernière réunion.' ELSE '' END,
                   CASE WHEN n % 97 = 0 THEN 'masquee' WHEN n % 89 = 0 THEN 'retiree' ELSE 'publiee' END,
                   CASE WHEN n % 97 = 0 THEN 'Propos injurieux ou diffamatoires' END,
                   to_char(timestamp '2026-09-01' + n * interval '2 seconds', 'YYYY-MM-DD"T"HH24:MI:SS.US+00:00'),
                   CASE WHEN n % 23 = 0 THEN to_char(timestamp '2026-09-02' + n * interval '2 seconds',
                                                     'YYYY-MM-DD"T"HH24:MI:SS.US+00:00') END,
                   CASE WHEN n % 23 = 0 THEN 2 ELSE 1 END, CASE WHEN n % 5 = 1 THEN 1 ELSE 0 END, 0,
                   CASE WHEN n % 100 < 55 THEN 0 WHEN n % 100 < 85 THEN 1 + n % 4 ELSE 5 + (n * 7919) % 60 END,
                   n % 100 >= 85 AND 5 + (n * 7919) % 60 >= 50
            FROM generate_series(1::bigint, {int(rows)}) AS n""")
        # One restitution line per contribution (its arrondissement), a tenth answered.
        conn.execute("""
            INSERT INTO rm_restitution_items (contribution_id, consultation_id, position, channel, theme, week,
                arrondissement, age_band, status, withdrawn, answer_status, answer_justification,
                answer_revision, answered_at, answer_position, quoted_position)
            SELECT c.contribution_id, c.consultation_id, c.position, c.channel, c.theme, substr(c.posted_at, 1, 10),
                   CASE WHEN c.position % 13 = 0 THEN NULL ELSE 1 + c.position % 20 END,
                   (ARRAY['18-24', '25-34', '35-49', '50-64', '65-plus'])[1 + c.position % 5],
                   c.status, c.status = 'retiree',
                   CASE WHEN c.position % 10 = 0 THEN
                       (ARRAY['retenue', 'partiellement-retenue', 'non-retenue', 'hors-champ'])[1 + c.position % 4]
                   END,
                   CASE WHEN c.position % 10 = 0 THEN 'La Ville étudiera cette proposition avec les mairies'
                       || ' d''arrondissement et rendra compte de sa décision au conseil de Paris.' END,
                   CASE WHEN c.position % 10 = 0 THEN 1 END,
                   CASE WHEN c.position % 10 = 0 THEN '2027-01-15T10:00:00.000000+00:00' END,
                   CASE WHEN c.position % 10 = 0 THEN c.position END, NULL
            FROM rm_contributions c""")
        # The vote counts behind every d'accord total of 5 or more (the rest need no lookup).
        conn.execute("""
            INSERT INTO rm_vote_counts (item_id, channel, option, votes)
            SELECT contribution_id, 'en ligne', 'd-accord', agree - agree / 4 FROM rm_contributions WHERE agree >= 5
            UNION ALL
            SELECT contribution_id, 'en présentiel', 'd-accord', agree / 4 FROM rm_contributions WHERE agree >= 5
            UNION ALL
            SELECT contribution_id, 'en ligne', 'mitige', position % 7 FROM rm_contributions WHERE agree >= 5
            UNION ALL
            SELECT contribution_id, 'en ligne', 'pas-d-accord', position % 11 FROM rm_contributions WHERE agree >= 5""")
        conn.execute("""
            INSERT INTO rm_restitution_support (contribution_id, consultation_id, position, agree, votes)
            SELECT contribution_id, consultation_id, position, agree, agree + position % 7 FROM rm_contributions""")
        conn.execute("""
            INSERT INTO rm_contribution_counts (contribution_id, agree, replies)
            SELECT contribution_id, agree, replies FROM rm_contributions WHERE agree > 0 OR replies > 0""")
        conn.execute("ALTER TABLE rm_contributions DROP COLUMN replies, DROP COLUMN agree")
        # The column back, plain and empty, with its index: so the export's process, whose
        # start creates missing read-model columns, finds it and computes nothing.
        conn.execute("ALTER TABLE rm_contributions ADD COLUMN search tsvector")
        conn.execute("CREATE INDEX IF NOT EXISTS rm_contributions_search ON rm_contributions USING GIN (search)")
        conn.execute("ANALYZE rm_contributions")
        conn.execute("ANALYZE rm_restitution_items")
        conn.execute("ANALYZE rm_vote_counts")
    return time.perf_counter() - start


def export(settings: dict, mode: str) -> dict:
    directory = settings["engage.opendata.export_dir"]
    for name in os.listdir(directory):  # no file left from a previous run: this one writes it
        os.unlink(os.path.join(directory, name))
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                         env={**os.environ, "ENGAGE_BENCH_SETTINGS": json.dumps(settings)})
    if out.returncode:
        raise RuntimeError(f"the export child failed:\n{out.stderr[-4000:]}")
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    if figures["built"] != 1 or not figures["status"].startswith("200"):
        raise RuntimeError(f"the export was not written by the child: {figures}")
    return figures


def run(rows: int, *, trace: bool = True) -> dict:
    """Fill, export (plain, then traced), drop: the figures, as a dict."""
    schema = f"bench_export_{uuid.uuid4().hex[:8]}"
    exports = tempfile.mkdtemp(prefix="engage-export-bench-")
    settings = environment.settings(schema, **{"engage.opendata.export_dir": exports,
                                                "engage.opendata.export_wait": "600"})
    load_start = os.getloadavg()
    try:
        with environment.services(schema):  # every read model's tables, empty
            pass
        fill_seconds = fill(settings["engage.database_url"], rows)
        plain = export(settings, "plain")
        traced = export(settings, "trace") if trace else None
    finally:
        environment.drop_schema(schema)
        shutil.rmtree(exports, ignore_errors=True)
    return {"schema": schema, "rows": rows, "fill_seconds": fill_seconds, "plain": plain, "traced": traced,
            "load_start": load_start, "load_end": os.getloadavg()}


def report(figures: dict) -> list[str]:
    plain, traced = figures["plain"], figures["traced"]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mb = 1024
    lines = [f"## {now}, exporting {figures['rows']:,} contributions (`make bench-export`)", "",
             f"Machine: {environment.machine()}",
             "Load average (1, 5, 15 min) at the start {:.1f}, {:.1f}, {:.1f}, at the end {:.1f}, {:.1f}, {:.1f}"
             " (the 2 cores are shared with other engineers' test suites: times are noisy).".format(
                 *figures["load_start"], *figures["load_end"]), "",
             "The rows were written straight into the contributions read model of a throwaway schema in SQL"
             f" (generate_series, {figures['fill_seconds']:.0f} s): this measures the exporter, not the"
             " generator. The export is the real path: `GET /opendata/contributions/contributions.csv` in a"
             " fresh process, the file written by the export cache (one snapshot, keyset pages of 1,000).", "",
             "| run | rows | CSV | time | rows/s | RSS before | RSS peak | growth | Python peak (tracemalloc) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in (("plain", plain), ("under tracemalloc", traced)):
        if not r:
            continue
        peak = f"{r['traced_peak'] / 1e6:.1f} MB" if r["traced_peak"] is not None else "—"
        lines.append(
            f"| {name} | {r['rows']:,} | {r['bytes'] / 1e6:.0f} MB | {r['seconds']:.1f} s |"
            f" {r['rows'] / r['seconds']:,.0f} | {r['rss_before_kb'] / mb:.0f} MB | {r['rss_peak_kb'] / mb:.0f} MB |"
            f" {(r['rss_peak_kb'] - r['rss_before_kb']) / mb:.1f} MB | {peak} |")
    verdict = "under" if plain["rss_peak_kb"] / mb < LIMIT_MB else "OVER"
    lines += ["", f"- Whole process peak RSS {plain['rss_peak_kb'] / mb:.0f} MB: {verdict} the {LIMIT_MB} MB of"
              " issue 8 (item 6), the application's own footprint included.", ""]
    return lines


def record(lines: list[str]) -> None:
    """A new section at the top of RESULTS.md (newest first)."""
    with open(RESULTS, encoding="utf-8") as handle:
        text = handle.read()
    marker = "\n## "
    head, sep, rest = text.partition(marker)
    with open(RESULTS, "w", encoding="utf-8") as handle:
        handle.write(head.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n" + (sep + rest if sep else ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--no-trace", action="store_true", help="skip the second, traced export")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    figures = run(args.rows, trace=not args.no_trace)
    lines = report(figures)
    print("\n".join(lines))
    if not args.no_record:
        record(lines)


if __name__ == "__main__":
    main()
