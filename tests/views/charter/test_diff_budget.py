"""Issue 16 (CPU denial of service): a diff is computed once, by the projection, never on a GET;
its cost is bounded, and texts over the budget are shown side by side; bad input is refused."""

from engage.domain.charter import textdiff
from tests.common.charter import propose, start_charter, submit

FALLBACK = "trop différents pour être comparés mot à mot"


def count_diffs(monkeypatch):
    """Every word diff computed (by the projection or by a page), as (old, new)."""
    calls = []
    real = textdiff.segments

    def segments(old, new, **kwargs):
        calls.append((old, new))
        return real(old, new, **kwargs)

    monkeypatch.setattr(textdiff, "segments", segments)
    return calls


def no_word_diff(monkeypatch):
    def refuse(a, b):
        raise AssertionError(f"a word diff of {len(a)} x {len(b)} tokens, over the budget")

    monkeypatch.setattr(textdiff, "_lcs_ops", refuse)


def test_an_amendments_diff_is_computed_once_however_many_gets(testapp, editor, resident, monkeypatch):
    calls = count_diffs(monkeypatch)
    article = start_charter(editor)
    text = "La participation est ouverte à toutes les Parisiennes et à tous les Parisiens."
    url = propose(resident, article, text).location.replace("http://localhost", "")
    for _ in range(5):
        page = testapp.get(url)
        assert '<ins><span class="visually-hidden">ajouté : </span>' in page.text
    resident.get(url)
    assert [c for c in calls if c[1] == text] == [("La participation est ouverte à tous les Parisiens.", text)]

    # accepted: the article's new version was diffed once too, by the projection
    submit(editor.get(url), "decision", decision="accept", reason="Retenu")
    before = len(calls)
    for _ in range(3):
        compared = testapp.get(article + "/comparer?de=1&a=2").text
        assert '<ins><span class="visually-hidden">ajouté : </span>' in compared
    assert len(calls) == before


def test_an_outdated_amendment_is_diffed_against_the_new_text_once(testapp, editor, resident, monkeypatch):
    calls = count_diffs(monkeypatch)
    article = start_charter(editor)
    first = propose(resident, article, "Texte A pour tous.").location.replace("http://localhost", "")
    second = propose(resident, article, "Texte B pour tous.").location.replace("http://localhost", "")
    submit(editor.get(first), "decision", decision="accept", reason="Retenu")
    for _ in range(3):
        page = testapp.get(second)
        assert "Changements par rapport au texte actuel" in page.text
        assert '<del><span class="visually-hidden">supprimé : </span>A</del>' in page.text
    assert calls.count(("Texte A pour tous.", "Texte B pour tous.")) == 1


def test_texts_over_the_budget_are_shown_whole_side_by_side(testapp, editor, resident, monkeypatch):
    old, new = "le " * 1500, "la " * 1500  # 3,000 tokens each: 9 million cells, far over the budget
    assert textdiff.cost(old, new) > textdiff.DIFF_BUDGET
    article = start_charter(editor, articles=(("Principes", old),))
    no_word_diff(monkeypatch)
    url = propose(resident, article, new).location.replace("http://localhost", "")
    page = testapp.get(url)
    assert FALLBACK in page.text and "<ins>" not in page.text and "<del>" not in page.text
    assert '<h4 class="diff-label">Texte de la version 1</h4>' in page.text
    assert '<h4 class="diff-label">Texte proposé</h4>' in page.text
    assert page.text.count("le le le") >= 2 and page.text.count("la la la") >= 2  # both texts, whole

    submit(editor.get(url), "decision", decision="accept", reason="Retenu")
    submit(editor.get("/charte/redaction"), "publish", note="Version")
    compared = testapp.get(article + "/comparer?de=1&a=2")
    assert FALLBACK in compared.text and '<h4 class="diff-label">Version 1</h4>' in compared.text
    assert "<ins>" not in compared.text


def test_an_amendment_longer_than_an_article_is_refused_in_french_and_nothing_is_written(testapp, editor, resident):
    article = start_charter(editor)
    refused = propose(resident, article, "x" * 20_001, status=400)
    assert "trop long" in refused.text
    assert "xxxxxxxxxx" not in testapp.get(article).text
    with testapp.app.registry.engage.db.reading() as cur:
        assert cur.scalar("SELECT COUNT(*) FROM rm_amendments") == 0
