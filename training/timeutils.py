"""Time in one place: timezone-aware UTC for storage, French wording for display."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def french_date(value: date | datetime | None) -> str:
    """« 28 novembre 2026 », in Paris time for a datetime; « 1er » for the first of the month."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_aware(value).astimezone(PARIS).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(value: datetime | None) -> str:
    """« 28 novembre 2026 à 14 h 05 », in Paris time."""
    if value is None:
        return ""
    local = as_aware(value).astimezone(PARIS)
    return f"{french_date(local)} à {local.hour} h {local.minute:02d}"
