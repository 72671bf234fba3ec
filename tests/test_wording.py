"""Texts shown to everyone address each person without assuming they are a man (epicene wording,
without the point médian)."""

import re
from pathlib import Path

from tests.conftest import csrf_token, log_in
from tests.learning.conftest import enrol

TRAINING = Path(__file__).resolve().parents[1] / "training"

#: Agreements with « vous » in the masculine only, as they used to be written.
MASCULINE_ONLY = re.compile(
    r"(?i)\bvous (?:êtes|serez|étiez) (?:bien )?(?:inscrit|connecté|déconnecté|prêt|invité"
    r"|bienvenu|seul|sûr|certain|arrivé|redirigé|informé)s?\b"
    r"|\bvous seuls?\b|\bbienvenu\b|\bvotre formateur\b"
)


def test_no_template_or_message_agrees_with_vous_in_the_masculine_only():
    found = [
        f"{path.relative_to(TRAINING)}: {match.group()}"
        for path in sorted(TRAINING.rglob("*"))
        if path.suffix in {".html", ".txt", ".py"} and path.name != "common_passwords.txt"
        for match in MASCULINE_ONLY.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_log_in_enrol_and_log_out_say_so_in_epicene_words(client, make_user, example_course):
    make_user("camille@exemple.fr", full_name="Camille Martin")
    response = log_in(client, "camille@exemple.fr")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Connexion réussie. Bonjour Camille Martin !" in html

    response = enrol(client)
    html = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Votre inscription à cette formation est enregistrée." in html

    response = client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Déconnexion réussie." in html
