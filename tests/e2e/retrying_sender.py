"""A stand-in for the sending MTAs that deliver bounces to our MX: several parallel SMTP connections,
each message retried after every temporary failure (4xx, or a connection lost before the final reply)
until it is accepted, as RFC 5321 section 4.5.4 asks of a real client. Python3 stdlib only.

Every attempt is recorded, so a test can count what Postfix answered: which messages got a 250, how many
4xx replies were seen, and which attempts ended without a reply (outcome unknown to the client, so it
must retry; the receiver's deduplication has to absorb the copy it may already have).
"""

import re
import smtplib
import threading
import time


class PermanentFailure(Exception):
    pass


class Message:
    def __init__(self, key, sender, recipients, data):
        self.key = key                # what the test counts by (e.g. the bounced address)
        self.sender = sender
        self.recipients = recipients
        self.data = data              # bytes, CRLF line endings
        self.attempts = []            # (code, text) per attempt; code 0 = no reply (connection lost)
        self.accepted_at = None       # time.monotonic() of the 250
        self.queue_id = ""

    @property
    def tempfails(self):
        return sum(1 for code, _ in self.attempts if 400 <= code < 500)

    @property
    def unknown(self):
        return sum(1 for code, _ in self.attempts if code == 0)


def as_smtp_data(text):
    """An mbox-style message (LF, optional "From " line) as SMTP DATA bytes (CRLF)."""
    if text.startswith("From "):
        text = text.split("\n", 1)[1]
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


class RetryingSender:
    """Sends `messages` over `connections` parallel SMTP sessions to 127.0.0.1:`port`.

    start() returns at once; wait() blocks until every message was accepted (or `deadline` seconds
    passed, or a 5xx arrived). A session is reused for the next message while it is healthy and
    dropped after any failure: when the milter is gone Postfix answers 4xx to every later command
    of that session."""

    def __init__(self, port, messages, connections=4, retry_delay=0.3, deadline=120.0, lose_reply_of=()):
        """`lose_reply_of`: keys of messages whose first attempt hangs up right after the final "." without
        reading the reply, as a client whose connection broke at that moment. The server has taken the
        message, the client does not know it: it holds the message until release_held() and then
        sends it again, so the receiver sees an exact duplicate."""
        self.port = port
        self.messages = list(messages)
        self.connections = connections
        self.retry_delay = retry_delay
        self.deadline = deadline
        self.lock = threading.Lock()
        self.todo = list(self.messages)   # messages without an attempt in progress, not yet accepted
        self.not_before = {}              # message key -> monotonic time of its next allowed attempt
        self.errors = []
        self.lose_reply_of = set(lose_reply_of)
        self.held = []
        self.threads = []
        self.started_at = None

    # --- observation -------------------------------------------------------------------------------
    def accepted(self):
        with self.lock:
            return [m for m in self.messages if m.accepted_at is not None]

    def tempfails(self):
        with self.lock:
            return sum(m.tempfails for m in self.messages)

    def unknown_outcomes(self):
        with self.lock:
            return sum(m.unknown for m in self.messages)

    def held_keys(self):
        with self.lock:
            return [m.key for m in self.held]

    def release_held(self):
        with self.lock:
            self.todo.extend(self.held)
            self.held = []

    def done(self):
        with self.lock:
            return all(m.accepted_at is not None for m in self.messages) or bool(self.errors)

    # --- running -----------------------------------------------------------------------------------
    def start(self):
        self.started_at = time.monotonic()
        for i in range(self.connections):
            t = threading.Thread(target=self._worker, name="smtp-client-%d" % i, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def wait(self):
        for t in self.threads:
            t.join(max(0.0, self.started_at + self.deadline + 30 - time.monotonic()))
        if self.errors:
            raise PermanentFailure("; ".join(self.errors[:5]))
        missing = [m.key for m in self.messages if m.accepted_at is None]
        if missing:
            raise AssertionError("%d messages still not accepted after %.0f s (e.g. %s)"
                                 % (len(missing), self.deadline, missing[:3]))

    def _next(self):
        """The next message due for an attempt, None when all are accepted, or "wait"."""
        with self.lock:
            if self.errors or time.monotonic() - self.started_at > self.deadline:
                return None
            if not self.todo and all(m.accepted_at is not None for m in self.messages):
                return None
            now = time.monotonic()
            for i, m in enumerate(self.todo):
                if self.not_before.get(m.key, 0) <= now:
                    return self.todo.pop(i)
            return "wait"

    def _record(self, m, code, text):
        with self.lock:
            m.attempts.append((code, text))
            if code == 0 and m.key in self.lose_reply_of:
                self.lose_reply_of.discard(m.key)
                self.held.append(m)
            elif code == 250:
                m.accepted_at = time.monotonic()
                found = re.search(r"queued as ([0-9A-Za-z]+)", text)
                m.queue_id = found.group(1) if found else ""
            elif 400 <= code < 500 or code == 0:
                self.not_before[m.key] = time.monotonic() + self.retry_delay
                self.todo.append(m)
            else:
                self.errors.append("%s: permanent failure %d %s" % (m.key, code, text))

    def _worker(self):
        session = None
        while True:
            m = self._next()
            if m is None:
                break
            if m == "wait":
                time.sleep(0.02)
                continue
            try:
                if session is None:
                    session = smtplib.SMTP("127.0.0.1", self.port, timeout=60)
                    session.ehlo("mta.sender.example")
                if m.key in self.lose_reply_of:
                    code, text = self._transaction_losing_reply(session, m)
                else:
                    code, text = self._transaction(session, m)
            except smtplib.SMTPResponseException as e:  # e.g. a 4xx to DATA or in the greeting
                code, text = e.smtp_code, e.smtp_error.decode(errors="replace")
            except (smtplib.SMTPServerDisconnected, ConnectionError, OSError) as e:
                code, text = 0, "no reply: %s" % e
            self._record(m, code, text)
            if code != 250 and session is not None:
                try:
                    session.close()
                finally:
                    session = None
        if session is not None:
            try:
                session.quit()
            except (smtplib.SMTPException, OSError):
                session.close()

    @staticmethod
    def _transaction(session, m):
        code, resp = session.mail(m.sender)
        if code != 250:
            return code, resp.decode(errors="replace")
        for r in m.recipients:
            code, resp = session.rcpt(r)
            if code not in (250, 251):
                return code, resp.decode(errors="replace")
        code, resp = session.data(m.data)
        return code, resp.decode(errors="replace")

    @staticmethod
    def _transaction_losing_reply(session, m):
        code, resp = session.mail(m.sender)
        for r in m.recipients:
            if code == 250:
                code, resp = session.rcpt(r)
        if code not in (250, 251):
            return code, resp.decode(errors="replace")
        session.putcmd("data")
        code, resp = session.getreply()
        if code != 354:
            return code, resp.decode(errors="replace")
        body = re.sub(rb"(?m)^\.", b"..", m.data)
        session.send(body + (b"" if body.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        return 0, "hung up before the reply to the final dot"
