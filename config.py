"""Configuration classes, read from the environment (see the README for every variable)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
#: Sessions and e-mail links are signed with SECRET_KEY: a short one could be guessed offline.
MIN_SECRET_KEY_BYTES = 32


class ConfigurationError(RuntimeError):
    """A required setting is missing; the message says which and why, in one line."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> list[str] | None:
    """A comma-separated setting; None when unset or blank."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


def _hosts_of(url: str | None) -> list[str] | None:
    host = urlsplit(url or "").hostname
    return [host] if host else None


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'training.sqlite3'}"
    )
    #: hide_parameters: a database error's message (logged with its traceback) then leaves out
    #: the statement's values: password hashes, session tokens, people's names and addresses.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SERVICE_NAME = "Former au repérage de la traite des êtres humains"
    SERVICE_TAGLINE = "Plateforme de formation des professionnels — Miprof et ENM"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    #: Flask-Login's "remember me" cookie is never set (log-ins do not ask for it); should it
    #: be, it would still lead only to a live login session.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: Login sessions live in the database (accounts.login_sessions), which ends them: after
    #: SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after the log-in however
    #: active (ASVS 4.0.3 V3.3.2 at level 2, after NIST SP 800-63B AAL2: re-authentication after
    #: 30 minutes idle and at least every 12 hours). Learners: 30 minutes is ample between two
    #: requests (each page, each step completed, each quiz answer is one); 12 hours lets a
    #: training day, breaks included, go by without a new log-in.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    #: Trainers, monitors and admins see other people's data (participants' progress, accounts,
    #: the audit log) or change what thousands are taught: a session left open is worth more to
    #: whoever finds it, so 15 minutes idle (the figure ASVS and NIST give for their highest
    #: level) and 8 hours, a working day.
    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "15"))
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "8"))
    #: The cookie outlives no session (the database ends them sooner), and is not sent again
    #: with every response: a refreshed expiry made a stolen cookie last as long as it was used.
    PERMANENT_SESSION_LIFETIME = 60 * 60 * max(SESSION_MAX_HOURS, STAFF_SESSION_MAX_HOURS)
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 8
    #: WTForms' bundled French messages (see training.forms.FrenchForm), without Flask-Babel.
    WTF_I18N_ENABLED = False

    #: Redis, where the workers share their rate-limit counters and the job queue (mail) lives;
    #: /readyz checks it answers. Without it, mail is sent during the request.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    #: The RQ queue `flask jobs worker` takes its jobs from (one per platform sharing a Redis).
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "formation-traite")
    #: An account unused for this long is erased by `flask privacy purge` (GDPR art. 5-1-e): three
    #: years, the span the CNIL accepts for an inactive account, and longer than the usual
    #: certificate validity, so that a professional coming back to renew one still has theirs.
    ACCOUNT_RETENTION_MONTHS = int(os.environ.get("ACCOUNT_RETENTION_MONTHS", "36"))
    #: How long before that the owner is warned by e-mail (a log-in keeps the account).
    INACTIVITY_NOTICE_DAYS = int(os.environ.get("INACTIVITY_NOTICE_DAYS", "30"))
    #: Rate limits are shared between workers through Redis when REDIS_URL is set.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    #: Redis down: each worker counts in its own memory meanwhile (a warning is logged, Redis
    #: is tried again now and then), rather than refusing log-ins and verifications with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: And a failure the fallback does not cover (Redis lost between the check of a request
    #: and the count of its outcome) is logged, not turned into a 500.
    RATELIMIT_SWALLOW_ERRORS = True
    #: A Redis that does not answer within a second counts as down, rather than holding the
    #: request until the system gives up on the connection.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_HEADERS_ENABLED = True
    #: Namespace of the rate-limit keys in Redis, for several platforms sharing one server.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "formation-traite")
    #: Failed log-ins per account *from one client address* (accounts.views._login_account_key
    #: says why not per account alone: anyone could lock its owner out).
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes")
    #: Wrong second-factor codes per account (only someone who has the password gets that far,
    #: so counting per account locks out nobody but them): with three six-digit codes valid at
    #: a time, 20 guesses a day give about one chance in 16,000 a day (ASVS V2.2.1).
    TWO_FACTOR_LIMIT = os.environ.get("TWO_FACTOR_LIMIT", "5 per 5 minutes;20 per day")
    #: Time between the right password and the code, after which the log-in starts again.
    TWO_FACTOR_PENDING_SECONDS = 300
    SENSITIVE_FORM_LIMIT = os.environ.get("SENSITIVE_FORM_LIMIT", "10 per hour")
    #: Number of reverse proxies in front of the app whose X-Forwarded-For is trusted.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    #: Host names the site answers to (the Host header, or X-Forwarded-Host behind PROXY_COUNT
    #: proxies), comma-separated, a leading dot admitting subdomains; any other gets 400.
    #: Unset: any host (development, tests); the host of SITE_URL in production.
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_SENDER = os.environ.get(
        "MAIL_SENDER", "Formation traite <ne-pas-repondre@formation.local>"
    )

    #: scrypt with Werkzeug's default cost (N=2**15, r=8, p=1).
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105

    #: Public root URL of the site, e.g. https://formation.exemple.gouv.fr: the host of every
    #: link sent by e-mail, printed in certificates' QR codes and naming the badges' issuer and
    #: key (training.urls). Unset: taken from each request (development). Required in
    #: production, where workers sit behind a proxy.
    SITE_URL = os.environ.get("SITE_URL", "").rstrip("/") or None
    #: Scheme of URLs built outside a request when SITE_URL is unset (Flask's setting).
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    #: Issuing authority printed on certificates and named in their signed payload.
    CERTIFICATE_ISSUER = os.environ.get("CERTIFICATE_ISSUER", "Miprof — ENM")
    #: Ed25519 private key that signs certificates (`flask certificates keygen` creates it).
    #: Never in the repository; back it up: certificates already issued depend on it.
    CERTIFICATE_SIGNING_KEY_PATH = os.environ.get(
        "CERTIFICATE_SIGNING_KEY_PATH", str(INSTANCE_DIR / "certificate-signing-key.pem")
    )

    #: Public verification page and form, per IP address: room for a person, not for guessing.
    CERTIFICATE_VERIFICATION_LIMIT = os.environ.get(
        "CERTIFICATE_VERIFICATION_LIMIT", "30 per minute"
    )
    CERTIFICATES_PER_PAGE = 25

    #: Calls to the indicators API, per token (per address for calls without one).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")

    #: Counts from 1 to this minus one are shown « < 5 » in every monitoring output.
    MONITORING_SMALL_COUNT_THRESHOLD = int(os.environ.get("MONITORING_SMALL_COUNT_THRESHOLD", "5"))

    #: Larger requests are refused (413) before they are read: uploads are CSV files of
    #: target populations (1 MB) for now.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(5 * 1024 * 1024)))

    #: Who answers for the platform, shown on the legal notice, the privacy notice, the
    #: accessibility statement and the help page. Unset: the pages say which setting to fill in.
    DATA_CONTROLLER = os.environ.get(
        "DATA_CONTROLLER",
        "Mission interministérielle pour la protection des femmes contre les violences et la "
        "lutte contre la traite des êtres humains (Miprof)",
    )
    #: E-mail address of the data protection officer (DPO) of the controller.
    DPO_CONTACT = os.environ.get("DPO_CONTACT") or None
    #: E-mail address that answers questions about the platform itself (accounts, access).
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL") or None
    #: Name, address and telephone of the host, as the legal notice must give them.
    HOSTING_PROVIDER = os.environ.get("HOSTING_PROVIDER") or None

    #: Static files: `flask assets build` writes a copy with fingerprinted names (and gzip and
    #: Brotli copies) into STATIC_BUILD_DIR; with STATIC_FINGERPRINTS, pages link to those names
    #: and WhiteNoise serves them cached for a year (training.assets). Off in development, where
    #: an edited stylesheet must show at once without a build.
    STATIC_FINGERPRINTS = _env_bool("STATIC_FINGERPRINTS", False)
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR", str(BASE_DIR / "build" / "static"))
    #: Cache lifetime, in seconds, of the build's files asked for by their plain name.
    STATIC_MAX_AGE = int(os.environ.get("STATIC_MAX_AGE", "3600"))

    #: One JSON line per request on standard output, and every log record as JSON
    #: (training.request_log); plain text otherwise.
    JSON_LOGS = _env_bool("JSON_LOGS", False)
    #: Take the request id from the X-Request-ID header (when well-formed) rather than make
    #: one: only when the load balancer sets that header itself, replacing any the client sent.
    TRUST_REQUEST_ID_HEADER = _env_bool("TRUST_REQUEST_ID_HEADER", False)

    #: `flask demo` creates accounts whose password is published in the README.
    DEMO_DATA_ALLOWED = False

    EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 48
    PASSWORD_RESET_MAX_AGE = 60 * 60
    ACCOUNTS_PER_PAGE = 25
    AUDIT_EVENTS_PER_PAGE = 50


class DevelopmentConfig(Config):
    DEBUG = True
    DEMO_DATA_ALLOWED = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_PORT = 0
    #: A cheaper scrypt, so that tests creating many accounts stay fast; same algorithm.
    PASSWORD_HASH_METHOD = "scrypt:4096:8:1"  # noqa: S105
    SERVER_NAME = "formation.test"
    DEMO_DATA_ALLOWED = True


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SESSION_COOKIE_SECURE = True
    #: The browser keeps a `__Host-` cookie only if it is Secure, for Path=/ and without Domain
    #: (Flask's defaults), so that no other host of the domain can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS") or _hosts_of(Config.SITE_URL)
    #: No default: a key created on the fly would sign certificates nobody can verify later.
    CERTIFICATE_SIGNING_KEY_PATH = os.environ.get("CERTIFICATE_SIGNING_KEY_PATH")
    STATIC_FINGERPRINTS = _env_bool("STATIC_FINGERPRINTS", True)
    JSON_LOGS = _env_bool("JSON_LOGS", True)

    @classmethod
    def validate(cls) -> None:
        """Refuse to start without the settings a real deployment cannot guess."""
        if not cls.SECRET_KEY:
            raise ConfigurationError(
                "SECRET_KEY is required in production: it signs sessions and e-mail links."
            )
        if len(cls.SECRET_KEY.encode()) < MIN_SECRET_KEY_BYTES:
            raise ConfigurationError(
                f"SECRET_KEY is too short for production: at least {MIN_SECRET_KEY_BYTES} bytes "
                "of random, e.g. python -c 'import secrets; print(secrets.token_hex(32))'."
            )
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise ConfigurationError(
                "DATABASE_URL is required in production: e.g. postgresql+psycopg://user@host/db."
            )
        if not cls.CERTIFICATE_SIGNING_KEY_PATH:
            raise ConfigurationError(
                "CERTIFICATE_SIGNING_KEY_PATH is required in production: the Ed25519 key "
                "that signs certificates (create it once with `flask certificates keygen --out`)."
            )
        key_path = Path(cls.CERTIFICATE_SIGNING_KEY_PATH)
        if not key_path.is_file() or not os.access(key_path, os.R_OK):
            raise ConfigurationError(
                f"CERTIFICATE_SIGNING_KEY_PATH={cls.CERTIFICATE_SIGNING_KEY_PATH} is not a "
                "readable file: restore it from its backup (or, on a first deployment only, "
                "create it with `flask certificates keygen --out`)."
            )
        site = urlsplit(cls.SITE_URL or "")
        if site.scheme not in {"http", "https"} or not site.netloc:
            raise ConfigurationError(
                "SITE_URL is required in production: the public address printed in "
                "certificates' QR codes, e.g. https://formation.exemple.gouv.fr."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The class named by APP_ENV, production by default.

    Production is the default so that a server started without APP_ENV (gunicorn wsgi:app)
    never runs with the development key, debug mode or demo accounts: it refuses to start
    instead, naming the missing setting. `make run` sets APP_ENV=development.
    """
    name = os.environ.get("APP_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"APP_ENV={name!r} is unknown: use one of {', '.join(CONFIGS)}."
        ) from None
