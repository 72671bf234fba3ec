"""The name of a device as its owner recognises it (« Firefox sur Windows »), from a User-Agent.

Pure, and deliberately rough: the label only helps a person tell their sessions apart on
« Mes sessions actives ». Nothing is decided from it, and neither the User-Agent itself nor
any version number is kept (data minimisation: a full User-Agent helps to fingerprint).
"""

#: (marker in the User-Agent, name), the first match wins: Edge, Opera and Samsung Internet
#: also say "Chrome", and every Chromium browser also says "Safari".
BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
#: Android says "Linux", iOS says "like Mac OS X": they come first.
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("iPod", "iOS"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
UNKNOWN = "Appareil non reconnu"
#: The column's width (UserSession.device).
MAX_LENGTH = 100


def _first(user_agent: str, names: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for marker, name in names if marker in user_agent), None)


def device_label(user_agent: str | None) -> str:
    """« Chrome sur Linux », « Safari sur iOS », « Navigateur sur Windows », « Firefox »;
    « Appareil non reconnu » when nothing is recognised."""
    user_agent = user_agent or ""
    browser, system = _first(user_agent, BROWSERS), _first(user_agent, SYSTEMS)
    if system is None:
        return browser or UNKNOWN
    return f"{browser or 'Navigateur'} sur {system}"[:MAX_LENGTH]
