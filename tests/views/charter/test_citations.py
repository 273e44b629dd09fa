"""Citations of contributions in a charter article's version: boxes ticked and addresses pasted."""

from engage.views.charter.citations import cited_ids


def test_cited_contributions_are_read_from_boxes_and_pasted_addresses():
    a, b = "0123456789abcdef0123456789abcdef", "fedcba98-7654-3210-fedc-ba9876543210"
    data = {"contributions": {a}, "references": f"http://x/consultations/c/contributions/{b}\n{a}, {b.upper()}"}
    assert [u.hex for u in cited_ids(data)] == [a, b.replace("-", "")]
    assert cited_ids({"contributions": (), "references": ""}) == []
