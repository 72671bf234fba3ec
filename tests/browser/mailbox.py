"""An SMTP sink in the test process: the server sends its e-mails here, journeys read them."""

import re
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .live_server import free_port

LINK = re.compile(r"https?://\S+")


class Mailbox:
    """Every message received, in order; `last_to()` waits a little for one to arrive."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def last_to(
        self, address: str, subject: str | None = None, timeout: float = 10
    ) -> EmailMessage:
        """The latest message sent to `address` (and with that subject, if given)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for message in reversed(self.messages):
                    if address in message["To"] and (
                        subject is None or message["Subject"] == subject
                    ):
                        return message
            if time.monotonic() > deadline:
                raise AssertionError(f"No e-mail to {address} (subject {subject!r}) arrived.")
            time.sleep(0.05)


def link_in(message: EmailMessage) -> str:
    """The first web address in the message's text, as a person would click it."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(body)
    assert match, f"No link in the e-mail « {message['Subject']} »:\n{body}"
    return match.group(0)
