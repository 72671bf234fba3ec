"""The trainers' space in a real browser: « Rédaction », a course's « Points à valider », a step's
preview with its notes; then a learner who finds the track asks for the common core first, and
reads a step of the common core that has notes, without any note."""

import re

from playwright.sync_api import expect

from .steps import log_in_as_demo, log_out

COURSE = (
    "Repérer et signaler la traite des êtres humains pour les enseignants et personnels de"
    " l'éducation"
)
STEP = "Les formes d'exploitation qui peuvent toucher des élèves"
NOTE = "Mariage forcé d'un élève à l'étranger : vérifier s'il convient"
CORE = "Repérer et signaler la traite des êtres humains : le socle commun"
CORE_STEP = "Orienter la victime présumée"
CORE_NOTE = "Compléter cette leçon avec les modalités concrètes du MNIOP"


def test_trainer_reads_the_review_notes_that_learners_never_see(journey):
    page = journey.start()
    log_in_as_demo(journey, "trainer")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Rédaction").click()
    journey.check("Rédaction")
    expect(page.get_by_role("heading", name="Rédaction", level=1)).to_be_visible()
    page.get_by_role(
        "link", name=re.compile(rf"points? à valider dans « {re.escape(COURSE)} »")
    ).click()
    journey.check("Points à valider")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=STEP)).to_be_visible()
    expect(main).to_contain_text(NOTE)
    expect(main).to_contain_text(
        "enseignants/01-l-ecole-lieu-de-reperage/02-les-formes-d-exploitation-chez-les-eleves.md:43"
    )
    main.get_by_role("link", name=f"Aperçu de l'étape « {STEP} »").click()
    journey.check("Aperçu d'une étape")
    expect(page.get_by_role("heading", name=STEP, level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(NOTE)
    log_out(journey)

    log_in_as_demo(journey, "learner")
    menu.get_by_role("link", name="Formations").click()
    journey.check("Catalogue")
    page.get_by_role("link", name=COURSE).click()
    journey.check("Fiche de la formation en cours de validation")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Contenu en cours de validation")
    expect(main).not_to_contain_text("Mariage forcé d'un élève à l'étranger")
    # The track asks for the common core first (course.md `prerequisites`).
    expect(main).to_contain_text("Prérequis :")
    expect(main).to_contain_text("Pour vous inscrire, terminez d'abord la formation")
    expect(main.get_by_role("button", name="S'inscrire")).to_have_count(0)
    main.get_by_role("link", name=CORE).first.click()
    journey.check("Socle commun, prérequis du parcours")
    expect(page.get_by_role("main")).to_contain_text("Contenu en cours de validation")
    if page.get_by_role("button", name="S'inscrire").count():
        page.get_by_role("button", name="S'inscrire").click()
    else:
        page.get_by_role("link", name=re.compile("^(Commencer|Reprendre)$")).click()
    journey.check("Première étape")
    page.get_by_role("navigation", name="Sommaire").get_by_role("link", name=CORE_STEP).click()
    journey.check("Étape avec une note, vue par l'apprenant")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name=CORE_STEP, level=1)).to_be_visible()
    expect(main).not_to_contain_text(CORE_NOTE)
    expect(main).not_to_contain_text("À valider")
    assert "a-valider" not in page.content()


EXAMPLE = "Cours d'exemple : le format des fichiers"
#: A Moodle question bank (GIFT) as a trainer exports it.
GIFT_BANK = (
    "::Q1:: Un employeur garde le passeport d'une salariée « pour la protéger ». C'est :{\n"
    "  =un indicateur de contrôle#Oui \\: la confiscation des papiers en est un.\n"
    "  ~une pratique sans conséquence#Non \\: elle la prive de sa liberté d'aller et venir.\n"
    "}\n"
    "\n"
    "Une victime mineure doit prouver la contrainte."
    "{F#Non \\: l'acte et le but suffisent.#Exact.}\n"
)
LESSON = "01-decouvrir/01-les-trois-elements.md"


def test_trainer_edits_previews_and_publishes_a_course_in_the_browser(journey):
    page = journey.start()
    log_in_as_demo(journey, "trainer")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Rédaction"
    ).click()
    journey.check("Rédaction, avant modification")
    page.get_by_role("button", name=f"Modifier « {EXAMPLE} »").click()
    journey.check("Brouillon ouvert")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brouillon « exemple-cours »")
    page.get_by_role("link", name=LESSON, exact=True).click()
    journey.check("Modifier une leçon")
    editor = page.get_by_role("textbox", name=re.compile("^Contenu du fichier"))
    original = editor.input_value()

    # The toolbar puts a callout's skeleton at the cursor, its text selected to be typed over.
    toolbar = page.get_by_role("toolbar", name="Insérer un encadré")
    editor.press("Control+End")
    toolbar.get_by_role("button", name="Cas pratique").click()
    expect(editor).to_be_focused()
    expect(editor).to_have_value(
        re.compile(
            r"\n\n::: cas-pratique Titre du cas\nLa situation, puis la question : .*\n:::\n$"
        )
    )
    journey.check_state("Barre d'outils des encadrés")
    page.keyboard.type("Une élève arrive avec des vêtements neufs.")
    expect(editor).to_have_value(
        re.compile(r"Titre du cas\nUne élève arrive avec des vêtements neufs\.\n:::\n$")
    )

    # A mistake first: the check names the file's line, and the text typed is kept.
    editor.fill(original + "\n![Schéma](images/absent.png)\n")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Leçon enregistrée avec une erreur")
    expect(page.locator("#problemes-fichier")).to_contain_text("ligne")
    expect(editor).to_have_value(re.compile(r"images/absent\.png"))

    # The note between trainers is resolved: taken out, previewed, saved.
    fixed = re.sub(r"::: a-valider\n.*?\n:::\n\n", "", original, flags=re.S)
    assert fixed != original
    editor.fill(fixed + "\n::: a-retenir\nTrois éléments, tous nécessaires.\n:::\n")
    page.get_by_role("button", name="Aperçu").click()
    journey.check("Aperçu d'une leçon du brouillon")
    preview = page.get_by_role("region", name=re.compile("^Aperçu \\(non enregistré\\)"))
    expect(preview).to_contain_text("Trois éléments, tous nécessaires.")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Leçon enregistrée")
    expect(page.get_by_role("status").first).to_contain_text(f"{LESSON} est enregistré.")
    expect(page.locator("#problemes-fichier")).to_have_count(0)

    page.get_by_role("link", name="Brouillon « exemple-cours »").click()
    journey.check("Brouillon sans erreur")
    page.get_by_role("link", name="Voir les modifications").click()
    journey.check("Modifications du brouillon")
    expect(page.get_by_role("main")).to_contain_text("Trois éléments, tous nécessaires.")
    page.get_by_role("link", name="Brouillon", exact=True).click()
    journey.check("Retour au brouillon")
    page.get_by_role("link", name="Publier…").click()
    journey.check("Publier")
    expect(page.get_by_role("main")).to_contain_text(
        "Étapes modifiées : 01-decouvrir/01-les-trois-elements"
    )
    page.get_by_role("button", name=re.compile("^Publier la version")).click()
    journey.check("Publication refusée sans note")
    expect(page.get_by_role("alert")).to_contain_text("Note de version")
    page.get_by_label("Note de version").fill("Le point à valider est levé ; un encadré ajouté.")
    page.get_by_role("button", name=re.compile("^Publier la version")).click()
    journey.check("Historique après publication")
    expect(page.get_by_role("status").first).to_contain_text("publiée")
    expect(page.get_by_role("table")).to_contain_text(
        "Le point à valider est levé ; un encadré ajouté."
    )
    page.get_by_role("link", name=re.compile("Voir les modifications de la version 2")).click()
    journey.check("Modifications d'une version")
    expect(page.get_by_role("main")).to_contain_text("::: a-valider")

    page.get_by_role("link", name="Rédaction").first.click()
    journey.check("Rédaction, après publication")
    page.get_by_role("link", name="Créer une formation").click()
    journey.check("Nouvelle formation")
    page.get_by_label("Titre de la formation").fill("Traite et accueil des mineurs")
    page.get_by_label("Nom court").fill("traite-et-mineurs")
    page.get_by_role("button", name="Créer le brouillon").click()
    journey.check("Brouillon d'une nouvelle formation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Brouillon « traite-et-mineurs »")

    # Its settings (course.md's front matter) through a form, then its plan.
    page.get_by_role("link", name="Paramètres de la formation").click()
    journey.check("Paramètres d'une nouvelle formation")
    page.get_by_label("Durée estimée, en minutes").fill("45")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    journey.check("Paramètres enregistrés")
    expect(page.get_by_role("status").first).to_contain_text("paramètres de la formation")
    expect(page.get_by_label("Durée estimée, en minutes")).to_have_value("45")
    page.get_by_role("link", name="Brouillon « traite-et-mineurs »").click()
    journey.check("Brouillon après les paramètres")
    page.get_by_role("link", name="Plan du cours").click()
    journey.check("Plan du cours")
    page.get_by_label("Titre du nouveau module").fill("Orienter la victime")
    page.get_by_role("button", name="Ajouter le module").click()
    journey.check("Plan avec un module ajouté")
    page.get_by_role("button", name="Monter « Orienter la victime »").click()
    journey.check("Plan avec un module monté")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2).first).to_have_text(
        "Module 1 : Orienter la victime"
    )
    page.get_by_label("Titre du module 2", exact=True).fill("Repérer")
    page.get_by_role("button", name="Renommer le module 2").click()
    journey.check("Plan avec un module renommé")
    expect(main.get_by_role("heading", name="Module 2 : Repérer")).to_be_visible()

    # A Moodle question bank becomes a quiz of the new course; one question edited in the form.
    page.get_by_role("link", name="Brouillon « traite-et-mineurs »").click()
    journey.check("Brouillon avant l'import GIFT")
    page.get_by_role("link", name="Importer un fichier GIFT").click()
    journey.check("Importer un fichier GIFT")
    page.get_by_label(re.compile("^Fichier GIFT")).set_input_files(
        {"name": "reperage.gift", "mimeType": "text/plain", "buffer": GIFT_BANK.encode()}
    )
    page.get_by_label(re.compile("^Titre du quiz")).fill("Repérer les indicateurs")
    page.get_by_role("button", name="Importer le fichier GIFT").click()
    journey.check("Quiz importé, dans l'éditeur de quiz")
    expect(page.get_by_role("status").first).to_contain_text("2 questions importées")
    prompt = page.get_by_role("group", name="Question 1", exact=True).get_by_label(
        "Texte de la question"
    )
    prompt.fill("Une salariée dit que son employeur garde son passeport. Que retenez-vous ?")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    journey.check("Quiz enregistré")
    expect(page.get_by_role("status").first).to_contain_text("est enregistré")
    expect(prompt).to_have_value(re.compile("^Une salariée dit"))

    # A course's zip archive is imported from « Rédaction ».
    page.get_by_role("link", name="Rédaction").first.click()
    journey.check("Rédaction, avec le quiz importé")
    page.get_by_role("link", name="Importer une archive zip").click()
    journey.check("Importer une archive zip")
    expect(page.get_by_label(re.compile("^Archive zip du cours"))).to_be_visible()


def test_admin_manages_the_authors_of_a_course(journey):
    page = journey.start()
    log_in_as_demo(journey, "admin")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Rédaction"
    ).click()
    journey.check("Rédaction, pour un administrateur")
    page.get_by_role("link", name=f"Autrices et auteurs de « {EXAMPLE} »").click()
    journey.check("Auteurs du cours")
    authors = page.get_by_role("table", name="Autrices et auteurs de la formation")
    expect(authors).to_contain_text("Fabien Formateur")

    # The demo trainer is a co-author of the example course: taken off, then added back.
    page.get_by_role("button", name="Retirer Fabien Formateur").click()
    journey.check("Co-auteur retiré")
    expect(page.get_by_role("status").first).to_contain_text(
        "Fabien Formateur ne peut plus modifier la formation."
    )
    expect(authors).not_to_contain_text("Fabien Formateur")
    page.get_by_label(re.compile("^Adresse électronique du compte à ajouter")).fill(
        "formateur@demo.example.org"
    )
    page.get_by_role("button", name="Ajouter aux autrices et auteurs").click()
    journey.check("Co-auteur ajouté")
    expect(page.get_by_role("status").first).to_contain_text(
        "Fabien Formateur figure maintenant parmi les autrices et auteurs"
    )
    expect(authors).to_contain_text("Co-auteur ou co-autrice")
