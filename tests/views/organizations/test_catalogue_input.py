"""The catalogues' filters never fail on what a client sends."""


def test_query_bytes_that_are_not_utf8_are_ignored(testapp):
    for path in ("/offres?type=%ff", "/organisations?arrondissement=%ff&page=%fe"):
        assert testapp.get(path).status_int == 200
