"""The membership list is checked whole, line by line, before anything is written."""

from engage.domain.members.model import parse_arrondissement, parse_membership_list

HEADER = "email;arrondissement;nom;date d'adhésion\n"


def messages(parsed):
    return [(p.line, p.message.split(" : ")[-1] if False else p.message) for p in parsed.errors]


def test_a_clean_file_parses_with_both_delimiters_and_a_bom():
    for data in (
        (HEADER + "a@exemple.fr;11;Ana;2024-03-01\nb@exemple.fr;75019;Bo;01/02/2023\n").encode(),
        ("\ufeffemail,arrondissement\na@exemple.fr,1er\n").encode("utf-8"),
    ):
        parsed = parse_membership_list(data)
        assert not parsed.errors, parsed.errors
    parsed = parse_membership_list((HEADER + "a@exemple.fr;11;Ana;2024-03-01\nb@exemple.fr;75019;Bo;01/02/2023\n").encode())
    assert [(r.arrondissement, r.joined_on) for r in parsed.rows] == [(11, "2024-03-01"), (19, "2023-02-01")]


def test_every_bad_row_is_reported_with_its_line():
    data = (HEADER
            + "pas-une-adresse;11;;\n"
            + "c@exemple.fr;21;;\n"
            + "d@exemple.fr\n"
            + "e@exemple.fr;3;;31/02/2024\n"
            + "A@Exemple.fr;4;;\n"
            + "a@exemple.fr;5;;\n").encode()
    parsed = parse_membership_list(data)
    lines = [p.line for p in parsed.errors]
    assert lines == [2, 3, 4, 5]
    assert "adresse électronique invalide" in parsed.errors[0].message
    assert "arrondissement inconnu" in parsed.errors[1].message
    assert parsed.errors[2].mapping["column"] == "arrondissement"
    assert "date d'adhésion invalide" in parsed.errors[3].message
    assert [(d.line, d.mapping["first"]) for d in parsed.duplicates] == [(7, 6)]


def test_wrong_encoding_and_missing_column_refuse_the_file():
    parsed = parse_membership_list(("email;arrondissement;nom\n" + "zoe@exemple.fr;11;Zoé\n").encode("latin-1"))
    assert parsed.errors and "UTF-8" in parsed.errors[0].message and parsed.errors[0].mapping["line"] == 2
    parsed = parse_membership_list(b"courriel;nom\na@exemple.fr;Ana\n")
    assert parsed.errors[0].mapping == {"column": "arrondissement"}
    assert parse_membership_list(b"").errors


def test_arrondissement_spellings():
    assert [parse_arrondissement(v) for v in ("1", "1er", "20e", "75116", "75008", "0", "21", "x")] == [
        1, 1, 20, 16, 8, None, None, None]
