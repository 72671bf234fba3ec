"""Reading invitation files, hostile ones included: every problem with its line number."""

import pytest

from training.sessions.invitation_csv import (
    MAX_ROWS,
    InvitationCsvError,
    decode_csv,
    example_csv,
    parse_invitations_csv,
)

PROFESSIONS = {"enseignant": "enseignant", "Enseignant ou personnel de l'éducation": "enseignant"}


def parse(text: str):
    return parse_invitations_csv(text, PROFESSIONS)


def problems(text: str) -> list[str]:
    with pytest.raises(InvitationCsvError) as error:
        parse(text)
    return [str(problem) for problem in error.value.problems]


def test_semicolons_bom_and_any_column_order():
    rows = parse(
        "\ufeffNom;Prénom;Courriel;Profession\r\nMoreau;Inès;Ines.Moreau@Exemple.fr;enseignant\r\n"
    )
    assert [(r.line, r.email, r.full_name, r.profession) for r in rows] == [
        (2, "ines.moreau@exemple.fr", "Inès Moreau", "enseignant")
    ]


def test_commas_quotes_blank_lines_and_profession_by_name():
    rows = parse(
        'courriel,prénom,nom,profession\n\na@exemple.fr,"Jean, dit Jo",Durand,'
        "ENSEIGNANT OU PERSONNEL DE L'EDUCATION\nb@exemple.fr,Lou,Petit,\n"
    )
    assert [(r.line, r.first_name, r.profession) for r in rows] == [
        (3, "Jean, dit Jo", "enseignant"),
        (4, "Lou", None),
    ]


def test_the_model_file_reads_back():
    assert parse(example_csv())[0].email == "prenom.nom@exemple.fr"


def test_every_bad_line_is_reported_with_its_number():
    found = problems(
        "courriel;prénom;nom;profession\n"
        "pas-une-adresse;Inès;Moreau;enseignant\n"
        "ok@exemple.fr;;Durand;plombier\n"
        "=HYPERLINK(1)@x.fr;=SOMME(A1);@Moi;enseignant\n"
        "ok@exemple.fr;Lou;Petit;\n"
        "OK@exemple.fr;Lou;Petit;\n"
        "c@exemple.fr;Lou;Petit;;trop\n"
    )
    assert found == [
        "Ligne 2 : adresse électronique « pas-une-adresse » invalide.",
        "Ligne 3 : prénom manquant.",
        "Ligne 3 : profession « plombier » inconnue.",
        "Ligne 4 : adresse électronique « =HYPERLINK(1)@x.fr » invalide.",
        "Ligne 4 : prénom « =SOMME(A1) » : une cellule ne peut pas commencer par « = » "
        "(les formules de tableur ne sont pas acceptées).",
        "Ligne 4 : nom « @Moi » : une cellule ne peut pas commencer par « @ » "
        "(les formules de tableur ne sont pas acceptées).",
        "Ligne 6 : l'adresse ok@exemple.fr figure déjà ligne 5.",
        "Ligne 7 : 5 colonnes au lieu de 4 : une virgule ou un point-virgule dans un nom doit "
        "être entre guillemets.",
    ]


def test_header_problems():
    assert problems("") == [
        "Le fichier est vide. La première ligne doit nommer les colonnes : "
        "courriel;prénom;nom;profession."
    ]
    assert problems("courriel;prénom;âge\n")[0] == (
        "Ligne 1 : colonne « âge » inconnue. La première ligne doit nommer les colonnes : "
        "courriel;prénom;nom;profession."
    )
    assert "colonne manquante : « nom »" in problems("courriel;prénom\n")[-1]
    assert problems("courriel;prénom;nom\n") == [
        "Le fichier ne contient que la ligne des noms de colonnes : ajoutez une ligne par "
        "personne à inviter."
    ]


def test_wrong_encoding_names_the_line():
    data = "courriel;prénom;nom\na@exemple.fr;Inès;Moreau\n".encode("cp1252")
    with pytest.raises(InvitationCsvError) as error:
        decode_csv(data)
    assert str(error.value.problems[0]).startswith("Ligne 1 : caractère illisible")


def test_ten_thousand_rows_are_refused_in_one_message():
    text = "courriel;prénom;nom\n" + "".join(f"p{i}@exemple.fr;A;B\n" for i in range(10_000))
    found = problems(text)
    assert len(found) == 1
    assert found[0] in (
        "Le fichier dépasse 200 Ko : découpez-le en plusieurs fichiers.",
        f"Le fichier compte 10\u202f000 lignes de données, pour un maximum de {MAX_ROWS} : "
        "découpez-le en plusieurs fichiers.",
    )
    text = "courriel;prénom;nom\n" + "".join(f"p{i}@x.fr;A;B\n" for i in range(MAX_ROWS + 1))
    assert problems(text) == [
        f"Le fichier compte {MAX_ROWS + 1} lignes de données, pour un maximum de {MAX_ROWS} : "
        "découpez-le en plusieurs fichiers."
    ]


def test_an_unclosed_quote_is_reported():
    found = problems('courriel;prénom;nom\na@exemple.fr;"Inès;Moreau\n' + "x" * 200_000)
    assert len(found) == 1
