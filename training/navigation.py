"""The main menu, by role: one list, so that every page shows the same navigation."""

from dataclasses import dataclass

from flask_login import current_user

from training.accounts.models import Role


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    #: None: everyone, logged in or not; an empty set: any logged-in user.
    roles: frozenset[Role] | None = None


NAVIGATION = (
    NavLink("pages.home", "Accueil"),
    NavLink("catalog.catalogue", "Formations"),
    NavLink("learning.dashboard", "Mon parcours", frozenset()),
    NavLink("accounts.profile", "Mon compte", frozenset()),
    NavLink("sessions.my_sessions", "Mes sessions", frozenset({Role.TRAINER, Role.ADMIN})),
    NavLink("authoring.courses", "Rédaction", frozenset({Role.TRAINER, Role.ADMIN})),
    NavLink("monitoring.dashboard", "Suivi du plan", frozenset({Role.MONITOR, Role.ADMIN})),
    NavLink("admin.accounts", "Comptes", frozenset({Role.ADMIN})),
    NavLink("admin.reference_data", "Référentiels", frozenset({Role.ADMIN})),
    NavLink("monitoring.targets", "Populations cibles", frozenset({Role.ADMIN})),
    NavLink("certificates.admin_list", "Attestations", frozenset({Role.ADMIN})),
    NavLink("admin.audit_log", "Journal d'audit", frozenset({Role.ADMIN})),
)


def navigation_links() -> list[tuple[str, str]]:
    def visible(link: NavLink) -> bool:
        if link.roles is None:
            return True
        if not current_user.is_authenticated:
            return False
        return not link.roles or current_user.has_role(*link.roles)

    return [(link.endpoint, link.label) for link in NAVIGATION if visible(link)]
