"""A mail backend for tests/mfa/test_signup_race.py: Django's in-memory outbox, except that
the first message sent while ``GATE.hold`` is set waits for ``GATE.release``. The first
sign-up's request then holds its transaction open (its user row inserted, not committed)
at the exact moment the second sign-up arrives."""

import threading

from django.core.mail.backends.locmem import EmailBackend


class Gate:
    def __init__(self):
        self.reset()

    def reset(self):
        self.hold = threading.Event()
        self.entered = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()


GATE = Gate()


class Backend(EmailBackend):
    def send_messages(self, messages):
        with GATE.lock:
            first = GATE.hold.is_set() and not GATE.entered.is_set()
            if first:
                GATE.entered.set()
        if first:
            GATE.release.wait(timeout=30)
        return super().send_messages(messages)
