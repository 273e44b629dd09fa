"""The 2,000,000-contribution export benchmark's harness runs, at 2,000 rows (PostgreSQL:
it fills in SQL with generate_series). Figures are not checked: speed is not a test."""

from __future__ import annotations

import psycopg

from benchmarks import environment, export_2m


def test_the_export_benchmark_fills_exports_reports_and_drops_its_schema(tmp_path, monkeypatch):
    monkeypatch.setattr(export_2m, "RESULTS", str(tmp_path / "RESULTS.md"))
    (tmp_path / "RESULTS.md").write_text("# Benchmark results\n\nNewest first.\n\n## older run\n\nkept\n")
    figures = export_2m.run(2000, trace=False)
    plain = figures["plain"]
    assert plain["rows"] == 2000 and plain["built"] == 1 and plain["bytes"] > 2000 * 150
    assert plain["rss_peak_kb"] >= plain["rss_before_kb"] > 0
    export_2m.record(export_2m.report(figures))
    text = (tmp_path / "RESULTS.md").read_text()
    assert text.index("exporting 2,000 contributions") < text.index("## older run") and "kept" in text
    with psycopg.connect(**environment.conninfo(environment.base_url())) as conn:
        left = conn.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s",
                            [figures["schema"]]).fetchone()[0]
    assert left == 0
