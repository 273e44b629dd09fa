"""The word diff's cost is bounded by a budget counted in tokens, whatever the texts (issue 16:
CPU denial of service); an amendment is no longer than an article may be."""

from uuid import uuid4

import pytest

from engage.domain.charter import textdiff
from engage.domain.charter.errors import TextTooLong
from engage.domain.charter.model import ARTICLE_TEXT_LIMIT, Amendment, Charter


def counting(monkeypatch):
    """Count the comparison table's cells filled by each word diff computed."""
    cells = []
    real = textdiff._lcs_ops

    def lcs_ops(a, b):
        cells.append(len(a) * len(b))
        return real(a, b)

    monkeypatch.setattr(textdiff, "_lcs_ops", lcs_ops)
    return cells


def test_a_small_change_in_a_long_text_compares_only_what_changed(monkeypatch):
    cells = counting(monkeypatch)
    text = "La participation est ouverte à tous. " * 500
    diff = textdiff.segments(text, text.replace("tous.", "toutes et à tous.", 1))
    assert diff[0] == ["=", "La participation est ouverte à "]
    assert diff[1] == ["~", "", "toutes et à "]
    assert cells == []  # the change is a pure insertion: the common beginning and end sufficed


def test_texts_over_the_budget_are_not_compared_word_by_word(monkeypatch):
    cells = counting(monkeypatch)
    # The worst case of the old SequenceMatcher(autojunk=False): long, repetitive, all different.
    old, new = "le " * 3000, "la " * 3000
    assert textdiff.cost(old, new) > textdiff.DIFF_BUDGET
    assert textdiff.segments(old, new) is None
    assert cells == []


def test_the_work_done_never_exceeds_the_budget(monkeypatch):
    cells = counting(monkeypatch)
    words = ["le", "la", "des", "un", "et"]
    for n in (10, 100, 290, 300, 310, 1000, 6000):
        old = " ".join(words[i % 5] for i in range(n))
        new = " ".join(words[(i * 3) % 5] for i in range(n))
        diff = textdiff.segments(old, new)
        assert (diff is None) == (textdiff.cost(old, new) > textdiff.DIFF_BUDGET)
    assert cells and max(cells) <= textdiff.DIFF_BUDGET


def test_a_diff_rebuilds_both_texts_and_is_stored_as_json():
    old, new = "Ouverte à tous, sans condition.", "Ouverte à toutes et à tous, avec une condition !"
    diff = textdiff.segments(old, new)
    assert "".join(s[1] for s in diff) == old
    assert "".join(s[1] if s[0] == "=" else s[2] for s in diff) == new
    assert textdiff.loads(textdiff.dumps(diff)) == diff
    assert textdiff.loads(textdiff.dumps(None)) is None
    assert textdiff.segments("même texte", "même texte") == [["=", "même texte"]]


def test_an_amendment_longer_than_an_article_may_be_is_refused_in_french():
    charter = Charter(title="Charte")
    charter.add_article(article_id="a1", title="T", text="Texte")
    consultation = uuid4()
    charter.link_consultation(consultation)
    with pytest.raises(TextTooLong) as error:
        Amendment.propose(charter, article_id="a1", base_version=1, author_id=uuid4(), rationale="r",
                          text="x" * (ARTICLE_TEXT_LIMIT + 1), consultation_phase="redaction")
    assert "trop long" in error.value.message
    ok = Amendment.propose(charter, article_id="a1", base_version=1, author_id=uuid4(), rationale="r",
                           text="x" * ARTICLE_TEXT_LIMIT, consultation_phase="redaction")
    assert len(ok.text) == ARTICLE_TEXT_LIMIT
