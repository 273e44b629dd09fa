"""The membership list's size: the documented 65,000 rows go through the real server; larger
bodies are refused with a French page, nothing written."""

import io

import colander
import pytest
from pyramid import testing
from webtest import Upload

from engage.domain.accounts.model import Role
from engage.projections.members import queries as member_queries
from engage.views.members.forms import MembershipImportSchema
from tests.common.accounts import staff
from tests.common.server import behind_waitress

ROWS = 65_000


def membership_csv(rows: int) -> bytes:
    # The benchmark's file (benchmarks/pb_import.py), about 5 MB for 65,000 rows.
    lines = ["email;arrondissement;nom;date d'adhésion"]
    lines += [f"adherent.{i}@exemple.fr;{1 + i % 20};Adhérent {i};2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def upload(app, content: bytes, status):
    form = app.get("/gestion/membres").forms["pb-import"]
    form["membership_file"] = Upload("membres.csv", content, "text/csv")
    return form.submit("submit", status=status)


def test_the_documented_65000_row_list_imports_through_waitress(make_app, backend):
    # What this proves is the web server's and the application's limits, the same on both back
    # ends: it runs on SQLite, where catching up 65,000 members is fastest (the import's speed on
    # PostgreSQL is measured by benchmarks/pb_import.py; smaller imports run on both back ends).
    if backend != "sqlite":
        pytest.skip("the upload limits do not depend on the back end")
    app = make_app(**{"engage.read_your_writes_timeout": "300"})
    staff(app, Role.ADMIN)
    data = membership_csv(ROWS)
    assert len(data) > 1_000_000  # more than waitress let through before
    with behind_waitress(app, "development.ini") as served:
        page = upload(served, data, status=200)
    assert "Envoi trop volumineux" not in page.text
    assert member_queries.pb_member_counts(app.app.registry.engage.db)[0] == ROWS


def test_a_body_over_the_upload_limit_is_a_french_413_and_nothing_is_written(make_app):
    app = make_app(**{"engage.max_upload_bytes": "200000"})
    staff(app, Role.ADMIN)
    engage = app.app.registry.engage
    head = engage.engine.head()
    page = upload(app, membership_csv(4_000), status=413)  # about 300 kB
    assert "Envoi trop volumineux" in page.text and "Rien n'a été enregistré" in page.text
    assert engage.engine.head() == head
    assert member_queries.pb_member_counts(engage.db)[0] == 0
    # Under the limit, the same route takes it.
    upload(app, membership_csv(1_000), status=200)
    assert member_queries.pb_member_counts(engage.db)[0] == 1_000


def test_ordinary_forms_keep_the_small_limit(make_app):
    app = make_app(**{"engage.max_body_bytes": "10000"})
    page = app.post("/compte/connexion", {"email": "x" * 20_000}, status=413)
    assert "Envoi trop volumineux" in page.text


class _File:
    def __init__(self, data: bytes):
        self.file = io.BytesIO(data)


def test_the_forms_file_limit_is_the_upload_setting():
    request = testing.DummyRequest()
    request.registry.settings = {"engage.max_upload_bytes": "2000000"}
    node = MembershipImportSchema().bind(request=request)["membership_file"]
    assert node.deserialize(_File(b"x" * 2_000_000)) == b"x" * 2_000_000
    with pytest.raises(colander.Invalid) as refused:
        node.deserialize(_File(b"x" * 2_000_001))
    assert refused.value.msg.interpolate() == "Le fichier dépasse 2 Mo."
