"""Numbers written the French way, the same on pages, in exports and in messages."""


def french_number(value: float, decimals: int = 0) -> str:
    """« 12 500 », « 4,5 »: narrow no-break space for thousands, comma for decimals."""
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
