"""A learner deletes their account from « Mon compte »: the page says what goes and what stays,
a missing password is refused, then the account is erased and the person signed out."""

from playwright.sync_api import expect

from .steps import confirm_email, header_link, log_in, new_email, sign_up


def test_learner_deletes_their_account(journey, mailbox):
    email = new_email("Yasmine")
    page = journey.start()
    sign_up(journey, email=email, full_name="Yasmine Haddad")
    confirm_email(journey, mailbox, email)
    log_in(journey, email)
    header_link(page, "Mon compte").first.click()
    journey.check("Mon compte")

    page.get_by_role("link", name="Supprimer mon compte").click()
    journey.check("Supprimer mon compte")
    expect(
        page.get_by_label("Les retirer : elles sont révoquées et votre nom en est effacé.")
    ).to_be_checked()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    journey.check("Suppression refusée sans mot de passe")
    expect(page.get_by_role("alert")).to_contain_text("Mot de passe : Ce champ est obligatoire.")

    page.get_by_label("Mot de passe").fill("une phrase facile à retenir, difficile à deviner")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    journey.check("Compte supprimé")
    expect(page.get_by_role("status")).to_contain_text("Votre compte est supprimé.")
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
