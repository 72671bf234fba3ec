"""Static files in production: fingerprinted names in the pages, served by WhiteNoise for a
year, compressed, from `flask assets build` (training.assets)."""

import gzip
import re
from pathlib import Path

import pytest
from werkzeug.test import Client

from config import TestingConfig
from training import create_app
from training.assets.build import FINGERPRINT, build_static, rewrite_css_references
from training.assets.serving import StaticFiles

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "training" / "static"
ASSET_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    if not (STATIC / "dsfr" / "dsfr.min.css").is_file():
        pytest.skip("the DSFR files are not in training/static/dsfr: run `make assets`")
    destination = tmp_path_factory.mktemp("static-build") / "static"
    # Brotli at its best quality takes seconds over the DSFR's icons: gzip shows the same.
    build_static(STATIC, destination, brotli=False)
    return destination


@pytest.fixture(scope="module")
def fingerprinted_app(app, build_dir):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        CERTIFICATE_SIGNING_KEY_PATH = app.config["CERTIFICATE_SIGNING_KEY_PATH"]
        STATIC_FINGERPRINTS = True
        STATIC_BUILD_DIR = str(build_dir)

    return create_app(Config)


@pytest.fixture
def client_(fingerprinted_app):
    return fingerprinted_app.test_client()


def fetch(client, url: str, **kwargs):
    """The response, read whole and closed (WhiteNoise answers with an open file)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def asset_urls(html: str) -> list[str]:
    return ASSET_URL.findall(html)


def test_a_page_links_every_asset_by_a_fingerprinted_name_cached_for_a_year(client_):
    page = client_.get("/")
    urls = asset_urls(page.get_data(as_text=True))

    assert len(urls) >= 8  # the DSFR's CSS, icons, JS and favicons, the platform's CSS and JS
    assert "/static/css/app.css" not in urls
    for url in urls:
        assert FINGERPRINT.search(url), url
        response = fetch(client_, url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    assert "immutable" not in page.headers.get("Cache-Control", "")


def test_an_asset_is_sent_gzipped_to_whoever_accepts_it(client_):
    [url] = [u for u in asset_urls(client_.get("/").get_data(as_text=True)) if "/dsfr.min." in u]

    plain = fetch(client_, url)
    compressed = fetch(client_, url, headers={"Accept-Encoding": "gzip"})

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.data) == plain.data
    assert len(compressed.data) < len(plain.data) / 3


def test_the_fonts_and_icons_a_stylesheet_names_are_fingerprinted_too(client_):
    [url] = [u for u in asset_urls(client_.get("/").get_data(as_text=True)) if "/dsfr.min." in u]
    css = fetch(client_, url).get_data(as_text=True)
    font = re.search(r"url\((fonts/Marianne-Regular\.[0-9a-f]{12}\.woff2)\)", css).group(1)

    response = fetch(client_, url.rsplit("/", 1)[0] + "/" + font)
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]


def test_an_unknown_fingerprint_is_not_found(client_):
    assert fetch(client_, "/static/css/app.000000000000.css").status_code == 404


def test_a_plain_name_is_still_served_for_a_short_while(client_):
    response = fetch(client_, "/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=3600, public"


def test_without_fingerprints_pages_link_the_plain_names(client):
    assert "/static/css/app.css" in asset_urls(client.get("/").get_data(as_text=True))


def test_a_stylesheet_points_at_the_fingerprinted_names_and_its_hash_follows_them(tmp_path):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "icons").mkdir()
    (source / "icons" / "a.svg").write_text("<svg>1</svg>")
    css = "a{background:url(../icons/a.svg)}b{background:url('data:image/png;base64,AA')}"
    (source / "css" / "site.css").write_text(css)

    first = build_static(source, tmp_path / "out", compress=False)
    (source / "icons" / "a.svg").write_text("<svg>2</svg>")
    second = build_static(source, tmp_path / "out", compress=False)

    written = (tmp_path / "out" / second["css/site.css"]).read_text()
    assert f"url(../{second['icons/a.svg']})" in written
    assert "url('data:image/png;base64,AA')" in written
    assert first["css/site.css"] != second["css/site.css"]
    assert (tmp_path / "out" / "css" / "site.css").is_file()


def test_references_outside_the_build_are_left_alone():
    css = "a{background:url(https://exemple.fr/x.png)}b{background:url(missing.png)}"
    assert rewrite_css_references(css, "css/site.css", {}) == css


def test_brotli_is_sent_to_whoever_accepts_it(tmp_path):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text(".fr-btn{color:#000091}\n" * 200)
    manifest = build_static(source, tmp_path / "out")

    def not_found(_environ, start_response):
        start_response("404 Not Found", [])
        return [b""]

    client = Client(StaticFiles(not_found, root=tmp_path / "out", prefix="/static/"))
    response = client.get(
        f"/static/{manifest['css/site.css']}", headers={"Accept-Encoding": "gzip, br"}
    )

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    response.close()
