"""The charter through the web: drafting, amendments, votes, decisions, conflicts, diff, adoption."""

import re

from tests.common.accounts import csrf_of, person
from tests.common.charter import propose, start_charter, submit


def test_amend_vote_accept_and_diff(testapp, editor, resident):
    article = start_charter(editor)
    assert "La phase de rédaction est ouverte" in testapp.get("/charte").text
    created = propose(resident, article, "La participation est ouverte à toutes les Parisiennes et à tous les Parisiens.")
    amendment_url = created.location.replace("http://localhost", "")
    page = created.follow()
    assert "Votre amendement est publié" in page.text and "Camille du 11e" in page.text
    assert '<ins><span class="visually-hidden">ajouté : </span>' in page.text

    # votes: one per person, changeable and withdrawable
    page = submit(page, "vote", choice="agree").follow()
    assert "Votre vote est enregistré" in page.text
    voter = person(testapp, "lea@exemple.fr", "Léa du 20e")
    submit(voter.get(amendment_url), "vote", choice="disagree")
    submit(voter.get(amendment_url), "vote", choice="mixed")
    submit(voter.get(amendment_url), "vote", choice="mixed")  # same again: nothing new
    tally = testapp.get(amendment_url).text
    assert re.search(r"D'accord</th><td>1<", tally) and re.search(r"Mitigé</th><td>1<", tally)
    assert re.search(r"Pas d'accord</th><td>0<", tally)
    page = submit(resident.get(amendment_url), "withdraw").follow()
    assert "Votre vote est retiré" in page.text
    assert re.search(r"D'accord</th><td>0<", page.text)

    # the editor accepts with a reason: a new article version that records its amendment
    page = submit(editor.get(amendment_url), "decision", decision="accept", reason="Écriture inclusive retenue").follow()
    assert "est devenu la version 2" in page.text and "Écriture inclusive retenue" in page.text
    article_page = testapp.get(article)
    assert "toutes les Parisiennes" in article_page.text and "issue de l'amendement accepté" in article_page.text
    assert amendment_url in article_page.text  # provenance: version → amendment
    diff = testapp.get(article + "/comparer?de=1&a=2")
    assert "<del>" not in diff.text  # a pure insertion
    assert '<ins><span class="visually-hidden">ajouté : </span>' in diff.text
    # decided: no more votes
    assert "vote" not in testapp.get(amendment_url).forms


def test_outdated_amendment_gives_a_conflict_and_loses_nothing(testapp, editor, resident):
    article = start_charter(editor)
    first = propose(resident, article, "Texte A pour tous.").location.replace("http://localhost", "")
    second = propose(resident, article, "Texte B pour tous.").location.replace("http://localhost", "")
    submit(editor.get(first), "decision", decision="accept", reason="Retenu")
    refused = submit(editor.get(second), "decision", status=400, decision="accept", reason="Retenu aussi")
    assert "Conflit" in refused.text and "version 1" in refused.text and "version 2" in refused.text
    page = testapp.get(second)
    assert "à actualiser" in page.text and "Texte B pour tous." in page.text
    assert "Texte A pour tous." in testapp.get(article).text
    # it can still be rejected with a reason
    submit(editor.get(second), "decision", decision="reject", reason="Dépassé")
    assert "Rejeté le" in testapp.get(second).text


def test_bad_input_is_refused_in_french_and_changes_nothing(testapp, editor, resident):
    article = start_charter(editor)
    empty = propose(resident, article, "   ", status=400)
    assert "Rédigez le texte que vous proposez" in empty.text
    same = propose(resident, article, "La participation est ouverte à tous les Parisiens.", status=400)
    assert "identique au texte actuel" in same.text
    amendment = propose(resident, article, "Autre texte.").location.replace("http://localhost", "")
    no_reason = submit(editor.get(amendment), "decision", status=400, decision="reject", reason="")
    assert "Indiquez le motif de la décision" in no_reason.text
    bad_vote = resident.get(amendment).forms["vote"]
    bad_vote["choice"].force_value("peut-être")
    assert "Choisissez" in bad_vote.submit("submit", status=400).text
    # the consultation leaves its drafting phase: no amendments, no votes
    engage = testapp.app.registry.engage
    engage.wait_for(engage.app.start_phase(editor.consultation_id, "adoption", started_by=editor.person_id).position)
    page = resident.get(article + "/amender")  # no form, the reason and the drafting phase's dates
    assert "amendment" not in page.forms and "Les amendements et les votes sont clos" in page.text
    resident.post(article + "/amender", {"csrf_token": csrf_of(page), "text": "Encore un autre", "rationale": "r"},
                  status=409)
    assert "Proposer un amendement" not in resident.get(article).text
    assert "vote" not in resident.get(amendment).forms
    # residents are not editors; anonymous people cannot amend
    resident.get("/charte/redaction", status=403)
    testapp.get(article + "/amender", status=303)
    assert testapp.get("/charte").text.count("Autre texte") == 0


def test_publish_versions_diff_and_adopt(testapp, editor, resident):
    article = start_charter(editor, articles=(("Principes", "Un texte de départ."), ("Outils", "Des outils.")))
    empty_publish = editor.get("/charte/redaction")
    submit(empty_publish, "publish", note="Première version")
    amendment = propose(resident, article, "Un texte amendé.").location.replace("http://localhost", "")
    submit(editor.get(amendment), "decision", decision="accept", reason="ok")
    submit(editor.get("/charte/redaction"), "publish", note="Deuxième version")
    home = testapp.get("/charte")
    assert "Version 1" in home.text and "Version 2" in home.text
    assert re.findall(r'<code class="digest">([0-9a-f]{64})</code>', home.text)
    diff = testapp.get("/charte/versions/comparer?de=1&a=2")
    assert "Article 1" in diff.text and "<del>" in diff.text and "Article 2" in diff.text

    bad = editor.get("/charte/adoption")
    refused = submit(bad, "deliberation", status=400, DELIB_ID="2017 DDCT 183", DELIB_DATE="2017-11-20",
                     DELIB_OBJET="Adoption", DELIB_MATIERE_NOM="Autres", COLL_SIRET="123")
    assert "SIRET" in refused.text
    adopted = submit(editor.get("/charte/adoption"), "deliberation", DELIB_ID="2017 DDCT 183",
                     DELIB_DATE="2017-11-20", DELIB_OBJET="Adoption de la Charte parisienne de la participation",
                     DELIB_MATIERE_CODE="9.1", DELIB_MATIERE_NOM="Autres domaines de compétences des communes",
                     VOTE_EFFECTIF="163", VOTE_REEL="150", VOTE_POUR="120", VOTE_CONTRE="20", VOTE_ABSTENTION="10",
                     groups="Groupe écologiste ; 16 ; 0 ; 0\nGroupe communiste ; 12 ; 0 ; 1", illustrative=True).follow()
    assert "2017 DDCT 183" in adopted.text and "Groupe écologiste" in adopted.text
    assert "Données d'illustration" in adopted.text and "Un texte amendé." in adopted.text
    csv = testapp.get("/charte/adoptee/deliberation.csv")
    assert csv.content_type == "text/csv"
    header, row = csv.text.splitlines()[:2]
    assert header.startswith("COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET")
    assert header.endswith("VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL")
    assert row.startswith("Ville de Paris,21750001600019,2017 DDCT 183,2017-11-20,9.1,")
    digest = re.search(r'<code class="digest">([0-9a-f]{64})</code>', adopted.text).group(1)
    version = testapp.get("/charte/versions/3")
    assert digest in version.text
    import hashlib
    import html
    canonical = html.unescape(re.search(r'<pre class="canonical">(.*?)</pre>', version.text, re.S).group(1))
    assert hashlib.sha256(canonical.encode()).hexdigest() == digest
    # frozen
    refused = resident.get(article + "/amender")
    assert "amendment" not in refused.forms and "adoptée par le Conseil de Paris" in refused.text
    assert "amendement(s) en attente" not in testapp.get("/charte").text
    refused = submit(editor.get("/charte/redaction"), "article", status=400, title="Nouveau", text="Texte")
    assert "figé" in refused.text


def test_ballots_are_not_public(testapp, editor, resident):
    article = start_charter(editor)
    amendment = propose(resident, article, "Un autre texte.").location.replace("http://localhost", "")
    submit(resident.get(amendment), "vote", choice="agree")
    # the voter sees their own choice; nobody else does
    assert "Votre vote actuel" in resident.get(amendment).text
    assert "Votre vote actuel" not in editor.get(amendment).text
    engage = testapp.app.registry.engage
    cast = [n for n in engage.app.recorder.select_notifications(start=1, limit=1000)
            if n.topic.endswith("AmendmentBallotCast")]
    assert len(cast) == 1
    for form in (resident.person_id.hex, str(resident.person_id)):
        assert form.encode() not in cast[0].state


def test_publishing_an_empty_charter_is_refused(testapp, editor):
    submit(editor.get("/charte/redaction"), "start")
    refused = submit(editor.get("/charte/redaction"), "publish", status=400, note="Vide")
    assert "il n'y a rien à publier" in refused.text
    assert "Aucune version n'a encore été publiée" in testapp.get("/charte").text
    twice = submit(editor.get("/charte/redaction"), "article", status=400, title="", text="")
    assert "Indiquez le titre de l'article" in twice.text
