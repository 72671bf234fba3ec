"""The audit log in French words: one label per action code, per kind of target, per detail.

Pure: no database. Every action recorded with `record_event` has its label here (a test reads
the source for every call); the names of the things an event points to are looked up by
training.audit.log.
"""

from collections.abc import Mapping

#: Action code (as recorded) -> what an admin reads in the log.
ACTION_LABELS: Mapping[str, str] = {
    "api_token.created": "Jeton d'accès à l'API créé",
    "api_token.revoked": "Jeton d'accès à l'API révoqué",
    "audit.exported": "Journal d'audit exporté",
    "certificate.revoked": "Attestation révoquée",
    "course.author_added": "Droit de modifier un cours accordé",
    "course.author_removed": "Droit de modifier un cours retiré",
    "course.draft_discarded": "Brouillon de cours abandonné",
    "course.published": "Cours publié",
    "monitoring.exported": "Indicateurs de suivi exportés",
    "profession.reactivated": "Profession proposée à nouveau",
    "profession.retired": "Profession retirée",
    "profession.saved": "Profession enregistrée",
    "session.attempt_granted": "Tentative de quiz supplémentaire accordée",
    "session.exported": "Suivi d'une session exporté",
    "session.invited": "Invitations à une session",
    "session.reminded": "Relance des participants d'une session",
    "target.deleted": "Population cible supprimée",
    "target.saved": "Population cible enregistrée",
    "targets.imported": "Populations cibles importées",
    "territory.reactivated": "Territoire proposé à nouveau",
    "territory.retired": "Territoire retiré",
    "territory.saved": "Territoire enregistré",
    "user.confirmation_resent": "Lien de confirmation renvoyé",
    "user.deactivated": "Compte désactivé",
    "user.erased": "Compte supprimé, données personnelles effacées",
    "user.logged_in": "Connexion",
    "user.logged_out": "Déconnexion",
    "user.login_failed": "Échec de connexion",
    "user.other_sessions_ended": "Autres sessions de connexion terminées",
    "user.password_changed": "Mot de passe modifié",
    "user.password_reset": "Mot de passe réinitialisé par lien",
    "user.reactivated": "Compte réactivé",
    "user.recovery_code_used": "Code de secours utilisé",
    "user.recovery_codes_replaced": "Codes de secours renouvelés",
    "user.two_factor_disabled": "Double authentification désactivée",
    "user.two_factor_enabled": "Double authentification activée",
    "user.two_factor_failed": "Code de double authentification refusé",
    "user.role_changed": "Rôle modifié",
    "user.session_ended": "Session de connexion terminée",
}

#: Kind of target (as recorded) -> its name, used when the thing itself cannot be found.
TARGET_LABELS: Mapping[str, str] = {
    "api_token": "Jeton d'accès à l'API",
    "audit": "Journal d'audit",
    "certificate": "Attestation",
    "course": "Cours",
    "course_draft": "Brouillon de cours",
    "monitoring": "Indicateurs de suivi",
    "profession": "Profession",
    "session": "Session",
    "target_population": "Population cible",
    "territory": "Territoire",
    "user": "Compte",
}

#: Detail key (as recorded) -> its label, whatever the action.
DETAIL_LABELS: Mapping[str, str] = {
    "accepted_review_notes": "Notes de relecture acceptées",
    "added": "Comptes ajoutés",
    "after_attempts": "Après tentatives",
    "au": "Jusqu'au mois",
    "certificate_count": "Nombre d'attestations",
    "certificates": "Attestations",
    "course": "Cours",
    "created": "Créées",
    "date_from": "Du",
    "date_to": "Au",
    "device": "Appareil",
    "du": "À partir du mois",
    "ended_sessions": "Sessions de connexion terminées",
    "filtered_action": "Action filtrée",
    "format": "Format",
    "formation": "Formation",
    "invited": "Invitations envoyées",
    "name": "Nom",
    "new": "Nouveau rôle",
    "note": "Note de version",
    "owner": "Propriétaire",
    "par": "Regroupement",
    "periode": "Période",
    "person": "Personne",
    "pilot": "Territoire pilote",
    "population": "Population",
    "previous": "Ancien rôle",
    "profession": "Profession",
    "quiz": "Quiz",
    "reason": "Motif",
    "remaining": "Codes de secours restants",
    "recipients": "Personnes relancées",
    "rows": "Lignes",
    "session": "Session",
    "slug": "Cours",
    "source": "Source",
    "territoire": "Territoire",
    "territory": "Territoire",
    "trainer": "Formateur ou formatrice",
    "unchanged": "Inchangées",
    "updated": "Mises à jour",
    "user_id": "Compte",
    "version": "Version",
    "year": "Année",
}

#: Where one action means something else by a key than the others do.
DETAIL_LABELS_BY_ACTION: Mapping[tuple[str, str], str] = {
    ("session.invited", "unchanged"): "Déjà membres",
}


def action_label(action: str) -> str:
    """The French label of an action code; an unknown code is shown as it is."""
    return ACTION_LABELS.get(action, action)


def target_label(target_type: str) -> str:
    return TARGET_LABELS.get(target_type, target_type)


def detail_label(action: str, key: str) -> str:
    return DETAIL_LABELS_BY_ACTION.get((action, key)) or DETAIL_LABELS.get(key, key)


def plain_value(value: object) -> str:
    """A detail's value in words: « oui » or « non » for a boolean, « — » for nothing."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(item) for item in value) or "—"
    return str(value)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action, in the order of the labels."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])
