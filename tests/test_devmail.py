"""The development mail server prints messages a developer can read and whose links work."""

import asyncio
from email.message import EmailMessage
from types import SimpleNamespace

from training.devmail import PrintDecoded, readable

LINK = "http://127.0.0.1:5301/confirmer/" + "eyJ1c2VyIjo0Mn0=.ZzB1bC1h" * 6 + "?suite=%2Fformations"


def message() -> bytes:
    mail = EmailMessage()
    mail["From"] = "Plateforme <ne-pas-repondre@example.org>"
    mail["To"] = "ines.moreau@example.org"
    mail["Subject"] = "Confirmez votre adresse électronique"
    mail.set_content(f"Bonjour Inès,\n\nCliquez sur ce lien pour confirmer :\n{LINK}\n\nÀ bientôt.")
    return mail.as_bytes()


def test_the_raw_message_cuts_the_link_and_the_printed_one_does_not():
    raw = message().decode()
    assert LINK not in raw  # quoted-printable: soft line breaks and =3D
    printed = readable(message())
    assert "Objet : Confirmez votre adresse électronique" in printed
    assert "À : ines.moreau@example.org" in printed
    assert "Bonjour Inès," in printed
    assert printed.rstrip().endswith(LINK)


def test_the_handler_prints_each_message_and_accepts_it(capsys):
    envelope = SimpleNamespace(original_content=message(), content=b"")
    answer = asyncio.run(PrintDecoded().handle_DATA(None, None, envelope))
    assert answer.startswith("250")
    assert LINK in capsys.readouterr().out
