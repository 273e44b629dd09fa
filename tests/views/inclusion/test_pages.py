"""The public inclusion-statistics page: small groups and their complements are not published."""

from tests.common.accounts import services
from tests.common.cards import holder


def test_the_public_page_suppresses_small_groups_and_their_complements(testapp):
    engage = services(testapp)
    app = engage.app
    for i in range(14):
        holder(app, i, category="3" if i < 9 else "6" if i < 12 else "7", arrondissement=20 if i < 12 else 5)
    engage.engine.catch_up()
    page = testapp.get("/statistiques/inclusion")
    assert page.html.h1.text == "Statistiques d'inclusion"
    table = page.html.select_one("#card_holders-category")
    rows = {tr.th.text: [td.text.strip() for td in tr.select("td")] for tr in table.tbody.select("tr")}
    assert rows["Cadres et professions intellectuelles supérieures"] == ["9", "64,3\u00a0%"]
    # 3 and 2 people: not published; together 5, not a small group: nothing more is hidden.
    assert rows["Ouvriers"] == ["n. p.", "—"] and rows["Retraités"] == ["n. p.", "—"]
    assert rows["Non renseignée"] == ["0", "0,0\u00a0%"]
    arrondissements = {tr.th.text: tr.td.text.strip()
                       for tr in page.html.select_one("#card_holders-arrondissement").tbody.select("tr")}
    # 2 people in the 5e; 14 - 12 would give them away: the 20e is not published either.
    assert arrondissements["20e"] == "n. p." and arrondissements["5e"] == "n. p."
    assert "Inconnu (sans carte)" not in arrondissements
    # Nobody attended a workshop: a total of 0 is published, every cell 0.
    assert "Effectif total : 0" in " ".join(page.html.select_one("section[aria-labelledby='attendees-title']").text.split())
    assert 'href="http://localhost/statistiques/inclusion"' in testapp.get("/transparence").text
