"""The development mail server prints messages a developer can read and whose links work."""

import smtplib
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.conftest import _free_port
from training.devmail import PrintDecoded, readable

LINK = "http://127.0.0.1:5301/confirmer/" + "eyJ1c2VyIjo0Mn0=.ZzB1bC1h" * 6 + "?suite=%2Fformations"


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Plateforme <ne-pas-repondre@example.org>"
    mail["To"] = "ines.moreau@example.org"
    mail["Subject"] = "Confirmez votre adresse électronique"
    mail.set_content(f"Bonjour Inès,\n\nCliquez sur ce lien pour confirmer :\n{LINK}\n\nÀ bientôt.")
    return mail


def test_the_raw_message_cuts_the_link_and_the_printed_one_does_not():
    raw = message().as_bytes().decode()
    assert LINK not in raw  # quoted-printable: soft line breaks and =3D
    printed = readable(message().as_bytes())
    assert "Objet : Confirmez votre adresse électronique" in printed
    assert "À : ines.moreau@example.org" in printed
    assert "Bonjour Inès," in printed
    assert printed.rstrip().endswith(LINK)


def test_the_server_prints_each_message_it_accepts(capsys):
    """Through a real SMTP exchange, as `make run` starts it."""
    server = Controller(PrintDecoded(), hostname="127.0.0.1", port=_free_port())
    server.start()
    try:
        with smtplib.SMTP(server.hostname, server.port, timeout=10) as client:
            refused = client.send_message(message())  # as training.mailer sends
    finally:
        server.stop()
    assert refused == {}
    assert LINK in capsys.readouterr().out
