"""The development mail server's handler: each message printed decoded, links whole.

aiosmtpd's own Debugging handler prints the raw MIME text, quoted-printable included, where a
confirmation link is cut by soft line breaks and `=3D`: it can be neither clicked nor copied.
`make run` starts `python -m aiosmtpd -c training.devmail.PrintDecoded` instead.
"""

import re
import sys
from email import message_from_bytes, policy
from email.message import EmailMessage

LINK = re.compile(r"https?://\S+")


def readable(raw: bytes) -> str:
    """Sender, recipients, subject and plain text of a message, then its links one per line."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    lines = [
        "─" * 72,
        f"De : {message['From']}",
        f"À : {message['To']}",
        f"Objet : {message['Subject']}",
        "",
        text.rstrip(),
    ]
    links = LINK.findall(text)
    if links:
        lines += ["", "Liens :", *links]
    return "\n".join(lines) + "\n"


class PrintDecoded:
    """An aiosmtpd handler: prints every message it receives, decoded, on standard output."""

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        sys.stdout.write(readable(envelope.content))
        sys.stdout.flush()
        return "250 Message accepted for delivery"
