"""A trainer runs a session: creates it (after a refused form), shares its code; a teacher joins
it by the link and starts the course; the trainer follows her progress, ticks attendance,
filters « en cours », downloads the table, invites three people by CSV, reminds those who have
not finished, grants the teacher one more attempt at the final quiz and reads its statistics."""

import io
import re
from datetime import date, timedelta

from odf import teletype
from odf.opendocument import load
from odf.table import TableCell, TableRow
from playwright.sync_api import expect

from .steps import (
    PASSWORD,
    answer_wrongly,
    confirm_email,
    log_in,
    log_in_as_demo,
    new_email,
    sign_up,
)

COURSE = (
    "Repérer et signaler la traite des êtres humains pour les enseignants et personnels "
    "de l'éducation"
)


def test_trainer_runs_a_session_and_a_teacher_joins_it(journey, new_journey, mailbox, live_site):
    today = date.today()
    page = journey.start()
    log_in_as_demo(journey, "trainer")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Mes sessions").click()
    journey.check("Mes sessions")
    page.get_by_role("link", name="Créer une session").click()
    journey.check("Nouvelle session")

    page.get_by_label("Nom de la session").fill("Enseignants de Bordeaux, hiver")
    page.get_by_label("Formation").select_option(label=COURSE)
    page.get_by_label("Territoire").select_option(label="Bordeaux")
    page.get_by_label("Date de début").fill(today.isoformat())
    page.get_by_label("Date de fin").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Nombre de places (facultatif)").fill("25")
    page.get_by_label("Date de la journée 1").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Lieu de la journée 1").fill("ENM Bordeaux, salle 3")
    page.get_by_role("button", name="Enregistrer la session").click()
    journey.check("Session refusée")
    expect(page.get_by_role("alert")).to_contain_text(
        "La date de fin doit être égale ou postérieure à la date de début."
    )
    page.get_by_label("Date de fin").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Enregistrer la session").click()
    journey.check("Session créée")
    expect(page.get_by_role("status").first).to_contain_text("La session est enregistrée.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Session « Enseignants de Bordeaux, hiver »"
    )
    code = page.locator(".session-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    qr = page.get_by_role("img", name=f"Code QR du lien pour rejoindre la session {code}")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    link = page.locator(".session-link").inner_text()
    assert link.endswith("/sessions/rejoindre/" + code.replace("-", ""))

    # A teacher, in her own browser, follows the link she was given.
    teacher = new_journey("apprenante")
    other = teacher.start()
    email = new_email("Inès")
    sign_up(teacher, email=email, full_name="Inès Moreau", territory="Bordeaux")
    confirm_email(teacher, mailbox, email)
    log_in(teacher, email)
    other.goto(link)
    teacher.check("Rejoindre la session")
    main = other.get_by_role("main")
    expect(main).to_contain_text(COURSE)
    expect(main).to_contain_text("Fabien Formateur")
    expect(main).to_contain_text("ENM Bordeaux, salle 3")
    other.get_by_role("button", name="Rejoindre la session").click()
    teacher.check("Première étape")
    expect(other.get_by_role("status")).to_contain_text("Vous avez rejoint la session")
    other.get_by_role("button", name="J'ai terminé cette étape").click()
    teacher.check("Deuxième étape")

    # The trainer follows her progress.
    page.reload()
    journey.check("Session avec une participante")
    row = page.get_by_role("row").filter(has_text="Inès Moreau")
    expect(row).to_contain_text("1 étape sur")
    expect(row).to_contain_text("En cours")
    presence = page.get_by_label(re.compile("^Présence : Inès Moreau, le "))
    page.locator(f"label[for='{presence.get_attribute('id')}']").click()
    expect(presence).to_be_checked()
    page.get_by_role("button", name="Enregistrer les présences").click()
    journey.check("Présences enregistrées")
    expect(page.get_by_role("status").first).to_contain_text("Les présences sont enregistrées.")
    expect(page.get_by_label(re.compile("^Présence : Inès Moreau, le "))).to_be_checked()

    page.get_by_label("Statut").select_option(label="En cours")
    page.get_by_role("button", name="Filtrer").click()
    journey.check("Participants en cours")
    expect(page.get_by_role("row").filter(has_text="Inès Moreau")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ODS")).click()
    document = load(io.BytesIO(download.value.path().read_bytes()))
    lines = [
        [teletype.extractText(cell) for cell in line.getElementsByType(TableCell)]
        for line in document.spreadsheet.getElementsByType(TableRow)
    ]
    assert lines[0][:3] == ["Nom", "Profession", "Statut"]
    assert [line[0] for line in lines[1:]] == ["Inès Moreau"]
    assert lines[1][2] == "En cours"
    assert "oui" in lines[1]

    # The trainer invites three people by a CSV file: a preview first, then the invitations.
    page.get_by_role("link", name="Inviter par fichier CSV").click()
    journey.check("Inviter par fichier")
    invited = [new_email(name) for name in ("Jules", "Léa", "Nour")]
    rows = "".join(
        f"{email};{email.split('.')[0].title()};Martin;enseignant\n" for email in invited
    )
    page.get_by_label("Fichier CSV des personnes à inviter").set_input_files(
        files=[{"name": "invites.csv", "mimeType": "text/csv",
                "buffer": ("courriel;prénom;nom;profession\n" + rows).encode()}]
    )  # fmt: skip
    page.get_by_role("button", name="Voir ce qui sera fait").click()
    journey.check("Aperçu des invitations")
    expect(page.get_by_role("status")).to_contain_text("3 invitations par courriel")
    page.get_by_role("button", name="Confirmer et envoyer les invitations").click()
    journey.check("Invitations envoyées")
    expect(page.get_by_role("status").first).to_contain_text("3 invitations envoyées")

    # One of them opens the link, creates her prefilled account and joins.
    guest = new_journey("invitée")
    guest_page = guest.start()
    guest_page.goto(mailbox.last_link(invited[0]))
    guest.check("Invitation")
    guest_page.get_by_role("link", name="Créer mon compte").click()
    guest.check("Inscription préremplie")
    expect(guest_page.get_by_label("Adresse électronique")).to_have_value(invited[0])
    guest_page.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    guest_page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    guest_page.locator("form").get_by_text("J'ai lu la politique de confidentialité").click()
    guest_page.get_by_role("button", name="Créer mon compte").click()
    guest.check("Invitation, compte créé")
    guest_page.get_by_role("button", name="Rejoindre la session").click()
    guest.check("Session rejointe par invitation")
    expect(guest_page.get_by_role("status")).to_contain_text("Vous avez rejoint la session")

    # The trainer reminds those who have not finished.
    page.get_by_role("link", name="Relancer les participants").click()
    journey.check("Relance")
    page.get_by_role("button", name=re.compile("^Envoyer le rappel")).click()
    journey.check("Relance envoyée")
    expect(page.get_by_role("status").first).to_contain_text("Rappel envoyé à 2 participants")
    assert mailbox.to(email)[-1]["Subject"] == "Rappel : votre formation vous attend"

    # Inès fails the final quiz three times; the trainer grants her one more attempt.
    wrong = live_site.wrong_choice_ids()
    other.get_by_role("link", name="Quiz final").first.click()
    teacher.check("Quiz final")
    other.get_by_role("button", name="Commencer le quiz").click()
    for number in (1, 2, 3):
        teacher.check(f"Quiz final, tentative {number}")
        answer_wrongly(other, wrong)
        other.get_by_role("button", name="Valider mes réponses").click()
        teacher.check(f"Quiz final non réussi, tentative {number}")
        if number < 3:
            other.get_by_role("button", name="Nouvelle tentative").click()
    expect(other.locator("#resultat")).to_contain_text("Vous avez utilisé toutes vos tentatives.")

    page.reload()
    journey.check("Session, tentatives épuisées")
    row = page.get_by_role("row").filter(has_text="Inès Moreau")
    expect(row).to_contain_text("Tentatives épuisées")
    row.get_by_role("button", name=re.compile("^Accorder une tentative")).click()
    journey.check("Tentative accordée")
    expect(page.get_by_role("status").first).to_contain_text(
        "Une tentative supplémentaire est accordée à Inès Moreau"
    )
    other.reload()
    teacher.check("Résultat, tentative accordée")
    expect(other.locator("#resultat")).to_contain_text("Il vous reste 1 tentative.")
    expect(other.get_by_role("button", name="Nouvelle tentative")).to_be_visible()

    # And reads the statistics of the final quiz.
    page.get_by_role("link", name="Statistiques des quiz").click()
    journey.check("Statistiques des quiz")
    page.get_by_role("link", name="Quiz final").first.click()
    journey.check("Statistiques du quiz final")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques : Quiz final")
    # Over every learner of the course (the demo's activity among them): figures to read.
    first_attempts = page.locator(".session-details dd").first.inner_text()
    assert int(re.sub(r"\D", "", first_attempts)) >= 100
    expect(
        page.get_by_role("table", name="Choix des réponses, question 1", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Discrimination")
    # Over the session only: too few first attempts to show anything.
    page.get_by_label("Périmètre", exact=True).select_option(
        label="Session « Enseignants de Bordeaux, hiver »"
    )
    page.get_by_role("button", name="Afficher").click()
    journey.check("Statistiques du quiz final, session")
    expect(page.get_by_role("main")).to_contain_text("Pas encore de statistiques : 1 première")

    # And how learners decide in the course's scenario (the demo's first plays).
    page.get_by_role("link", name="Statistiques des quiz et mises en situation").click()
    journey.check("Statistiques, retour à la liste")
    page.get_by_role("link", name=re.compile("^Mise en situation")).click()
    journey.check("Statistiques de la mise en situation")
    first_stage = page.get_by_role("table").first
    expect(first_stage).to_contain_text("Meilleur choix")
    counts = [int(cell) for cell in first_stage.locator("tbody td:nth-child(3)").all_inner_texts()]
    assert sum(counts) >= 50, counts
