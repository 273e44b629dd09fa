"""The DCAT-AP catalogue (JSON-LD, parsed as RDF) and the page /opendata."""

from __future__ import annotations

from engage.opendata import REGISTRY
from tests.common.opendata import issue_cards, services


def test_catalogue_lists_every_dataset_and_distribution(testapp):
    import rdflib
    from rdflib.namespace import DCAT, DCTERMS, RDF

    issue_cards(services(testapp), {(11, "25-34"): 5})
    response = testapp.get("/opendata/catalog.jsonld")
    assert response.content_type == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")

    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = set(graph.objects(catalogs[0], DCAT.dataset))
    translated = []
    assert {str(d).rsplit("/", 1)[-1] for d in datasets} == {d.name for d in REGISTRY}
    for dataset in datasets:
        titles = {literal.language: str(literal) for literal in graph.objects(dataset, DCTERMS.title)}
        assert set(titles) == {"fr", "en"} and all(titles.values())
        translated.append(titles["en"] != titles["fr"])
        assert graph.value(dataset, DCTERMS.license) is not None
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert len(distributions) == 4
        for distribution in distributions:
            assert graph.value(distribution, RDF.type) == DCAT.Distribution
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert graph.value(distribution, DCAT.mediaType) is not None
            assert graph.value(distribution, DCTERMS.license) is not None
        downloads = [graph.value(d, DCAT.downloadURL) for d in distributions]
        for url in filter(None, downloads):
            path = str(url).replace("http://localhost", "")
            assert testapp.get(path).status_int == 200
    assert sum(translated) > len(translated) / 2  # English titles ("Consultations" is both)
    card_holders = next(d for d in datasets if str(d).endswith("/card-holders"))
    assert graph.value(card_holders, DCTERMS.issued) is not None
    assert graph.value(card_holders, DCTERMS.modified) is not None


def test_page_explains_each_dataset(testapp):
    issue_cards(services(testapp), {(11, "25-34"): 5})
    page = testapp.get("/opendata")
    assert page.status_int == 200
    for dataset in REGISTRY:
        assert f'id="{dataset.name}"' in page.text
        assert dataset.title in page.text.replace("&#39;", "'")
        assert f"/opendata/{dataset.name}.zip" in page.text
    assert "Open Data Commons Open Database License" in page.text
    assert "Dernière mise à jour" in page.text
    # Linked from every page.
    assert 'href="http://localhost/opendata"' in testapp.get("/").text


def test_page_in_english(testapp):
    testapp.set_cookie("engage_lang", "en")
    page = testapp.get("/opendata")
    assert page.html.find("html")["lang"] == "en"
    assert page.html.find("h1").text == "Open data"
    assert "Citizen Card holders by arrondissement and age band" in page.text
