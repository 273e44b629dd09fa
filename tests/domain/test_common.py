from engage.domain.common import ARRONDISSEMENTS, PARIS_CENTRE, arrondissement_label


def test_twenty_arrondissements_and_paris_centre():
    assert ARRONDISSEMENTS == tuple(range(1, 21))
    assert PARIS_CENTRE == (1, 2, 3, 4)


def test_labels_are_french_ordinals():
    assert arrondissement_label(1) == "1er"
    assert arrondissement_label(2) == "2e"
    assert arrondissement_label(20) == "20e"


def test_english_ordinals():
    from engage.i18n import arrondissement_label

    assert [arrondissement_label(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 20)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "20th"]
    assert arrondissement_label(1, "fr") == "1er"
