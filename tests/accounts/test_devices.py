"""The device names shown on « Mes sessions actives »: pure, no database."""

import pytest

from training.accounts.devices import MAX_LENGTH, device_label


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/128.0.0.0 Safari/537.36",
            "Chrome sur Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0",
            "Edge sur Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
            "Firefox sur Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.6 Safari/605.1.15",
            "Safari sur macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari sur iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet sur Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/130.0.0.0 Safari/537.36",
            "Chrome sur Linux",
        ),
        ("curl/8.5.0", "Appareil non reconnu"),
        ("Firefox/130.0", "Firefox"),
        ("Something (Windows NT 10.0)", "Navigateur sur Windows"),
        ("", "Appareil non reconnu"),
        (None, "Appareil non reconnu"),
    ],
)
def test_device_label(user_agent, label):
    assert device_label(user_agent) == label


def test_the_label_keeps_no_version_and_fits_its_column():
    label = device_label("Mozilla/5.0 (Windows NT 10.0) Firefox/130.0.1" + "x" * 500)
    assert label == "Firefox sur Windows"
    assert len(label) <= MAX_LENGTH
