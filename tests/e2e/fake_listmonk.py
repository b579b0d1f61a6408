#!/usr/bin/env python3
"""A stand-in for listmonk's `POST /webhooks/bounce`, for tests (python3 stdlib only).

It enforces listmonk v6.2's real rules (shared/reference/listmonk.md §1.2-1.4) so a client that passes
here passes against listmonk:

  * auth: `Authorization: token <user>:<token>` (prefix case-sensitive, split on the first ':') or
    `Authorization: Basic base64(user:token)`; failures are 403 with listmonk's JSON messages
    (`invalid session`, `invalid API credentials`, `unknown Authorization scheme`). A `Cookie` header
    containing `session=` makes the Authorization header ignored (-> 403 `invalid session`).
  * body: exactly one JSON object (array / scalar / bad JSON / wrong field types / bad `created_at`
    -> 400 `Invalid data:<reason>`), then in order: neither email nor subscriber_uuid -> 400
    `Invalid fields: email / subscriber_uuid`; subscriber_uuid not 8-4-4-4-12 hex -> 400
    `Invalid fields: subscriber_uuid`; email (lowercased + trimmed) not a bare addr-spec -> 400
    `Invalid email.`; type not hard|soft|complaint -> 400 `Invalid fields: type`; else 200 `{"data": true}`.

Every accepted bounce is appended (one JSON object per line, email normalized as listmonk does) to the
`--record` file and kept in memory.

Fault injection at runtime (no auth needed on these):
  POST /__admin  JSON {"mode": M, "seconds": S, "pattern": P}
      M = normal     every request handled as listmonk would
          down       503 {"message":"Internal server error"}   (bounce.enabled off)
          disabled   404                                       (webhooks off)
          error500   500 {"message":"Internal server error"}
          timeout    sleep S seconds, then 504 without recording (client should have given up)
          delay      sleep S seconds, then handle normally
          reject400  400 `Invalid email.` for bodies whose email or subscriber_uuid contains P
          flaky      each request independently, drawn from a random generator seeded with "seed":
                     with probability "p500" 500, "p503" 503, "p_hang" sleep S s then 504 without
                     recording (the client timed out first: nothing was stored), "p_hang_recorded"
                     record the bounce, then sleep S s before answering 200 (stored, but the client
                     timed out: its retry makes a duplicate, as with the real listmonk, which has no
                     idempotency key); otherwise handled normally. A non-empty P also rejects matching
                     bodies with 400, as reject400 does.
      optional "user"/"token" replace the accepted credentials.
  POST /__admin/reset          forget recorded bounces (the record file is truncated too)
  GET  /__admin/bounces        JSON array of accepted bounces, in arrival order
  GET  /__admin/count          {"count": N, "requests": R, "faults": {...}, "refused": F}
                               (R = every POST /webhooks/bounce seen; faults counts each injected fault
                               by kind: "500", "503", "hang", "hang_recorded"; F = 400s sent for P)
  GET  /__admin/refused        JSON array of the emails (or subscriber UUIDs) answered 400 because of P
  GET  /__admin/hung_recorded  JSON array of the emails (or UUIDs) recorded, then hung on (flaky mode)

CLI: fake_listmonk.py [--host 127.0.0.1] [--port 0] [--port-file F] [--user U] [--token T] [--record FILE]
With --port 0 a free port is chosen; it is printed on stdout ("PORT <n>") and written to --port-file
(atomically, so a waiting test never reads a half-written number).
"""

import argparse
import base64
import binascii
import datetime
import json
import os
import random
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# A bare RFC 5322 addr-spec: dot-atom or quoted local part, dot-atom or literal domain. Go's
# mail.ParseAddress accepts exactly these; listmonk then requires the parsed address to equal the input,
# which rules out display names and angle brackets.
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
DOT_ATOM = rf"{ATEXT}+(?:\.{ATEXT}+)*"
QUOTED = r'"(?:[^"\\\r\n]|\\.)*"'
EMAIL_RE = re.compile(rf"^(?:{DOT_ATOM}|{QUOTED})@(?:{DOT_ATOM}|\[[^\[\]\\\s]*\])$")
RFC3339_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
STRING_FIELDS = ("subscriber_uuid", "email", "campaign_uuid", "type", "source")


class State:
    def __init__(self, user, token, record):
        self.lock = threading.Lock()
        self.user = user
        self.token = token
        self.record = record
        self.mode = "normal"
        self.seconds = 0.0
        self.pattern = ""
        self.bounces = []
        self.requests = 0
        self.flaky = {}
        self.rng = random.Random(0)
        self.faults = {"500": 0, "503": 0, "hang": 0, "hang_recorded": 0}
        self.refused = []
        self.hung_recorded = []

    def draw_fault(self):
        """The fault for one request in flaky mode (call with the lock held), or None."""
        x = self.rng.random()
        for kind, key in (("500", "p500"), ("503", "p503"), ("hang", "p_hang"), ("hang_recorded", "p_hang_recorded")):
            x -= self.flaky.get(key, 0.0)
            if x < 0:
                self.faults[kind] += 1
                return kind
        return None

    def accept(self, bounce):
        with self.lock:
            self.bounces.append(bounce)
            if self.record:
                with open(self.record, "a", encoding="utf-8") as f:
                    f.write(json.dumps(bounce, separators=(",", ":")) + "\n")
                    f.flush()


def parse_created_at(value):
    """None when valid (or absent); else the error text listmonk's JSON decoder would give."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "json: cannot unmarshal %s into Go struct field Bounce.created_at of type time.Time" % type(value).__name__
    if not RFC3339_RE.match(value):
        return 'parsing time "%s" as "2006-01-02T15:04:05Z07:00": cannot parse' % value
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00").replace("t", "T"))
    except ValueError:
        return 'parsing time "%s": value out of range' % value
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    disable_nagle_algorithm = True  # headers and body go out at once; no 40 ms delayed-ACK stalls
    server_version = "fake-listmonk/1"

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.verbose:
            sys.stderr.write("fake_listmonk: " + (fmt % args) + "\n")

    def reply(self, status, obj=None):
        data = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up on a hung request: expected

    def send_response(self, code, message=None):
        try:
            super().send_response(code, message)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def end_headers(self):
        try:
            super().end_headers()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # --- admin -------------------------------------------------------------------------------
    def do_GET(self):
        st = self.server.state
        if self.path == "/__admin/bounces":
            with st.lock:
                return self.reply(200, list(st.bounces))
        if self.path == "/__admin/count":
            with st.lock:
                return self.reply(200, {"count": len(st.bounces), "requests": st.requests,
                                        "faults": dict(st.faults), "refused": len(st.refused)})
        if self.path == "/__admin/refused":
            with st.lock:
                return self.reply(200, list(st.refused))
        if self.path == "/__admin/hung_recorded":
            with st.lock:
                return self.reply(200, list(st.hung_recorded))
        return self.reply(404, {"message": "Not Found"})

    def admin(self, raw):
        st = self.server.state
        if self.path == "/__admin/reset":
            with st.lock:
                st.bounces = []
                if st.record:
                    open(st.record, "w").close()
            return self.reply(200, {"ok": True})
        try:
            cmd = json.loads(raw or b"{}")
            mode = cmd.get("mode", "normal")
            if mode not in ("normal", "down", "disabled", "error500", "timeout", "delay", "reject400", "flaky"):
                raise ValueError("unknown mode " + str(mode))
            flaky = {k: float(cmd.get(k, 0)) for k in ("p500", "p503", "p_hang", "p_hang_recorded")}
            if any(v < 0 for v in flaky.values()) or sum(flaky.values()) > 1:
                raise ValueError("fault probabilities must be >= 0 and sum to at most 1")
        except (ValueError, AttributeError) as e:
            return self.reply(400, {"message": str(e)})
        with st.lock:
            st.mode = mode
            st.seconds = float(cmd.get("seconds", 0))
            st.pattern = str(cmd.get("pattern", ""))
            st.flaky = flaky
            if mode == "flaky":
                st.rng = random.Random(cmd.get("seed", 0))
            if "user" in cmd:
                st.user = str(cmd["user"])
            if "token" in cmd:
                st.token = str(cmd["token"])
        return self.reply(200, {"ok": True, "mode": mode})

    # --- listmonk ----------------------------------------------------------------------------
    def authenticate(self):
        """None when authorized, else the 403 message listmonk would send."""
        st = self.server.state
        if "session=" in (self.headers.get("Cookie") or ""):
            return "invalid session"  # listmonk would use the (absent) session and ignore Authorization
        auth = self.headers.get("Authorization")
        if not auth:
            return "invalid session"
        if auth.startswith("token "):
            cred = auth[len("token "):]
        elif auth.startswith("Basic "):
            try:
                cred = base64.b64decode(auth[len("Basic "):], validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return "invalid API credentials"
        else:
            return "unknown Authorization scheme"
        user, sep, token = cred.partition(":")
        if not sep:
            return "invalid API credentials"
        with st.lock:
            ok = (user == st.user and token == st.token)
        return None if ok else "invalid API credentials"

    def do_POST(self):
        raw = self.read_body()
        if self.path.startswith("/__admin"):
            return self.admin(raw)
        if self.path != "/webhooks/bounce":
            return self.reply(404, {"message": "Not Found"})
        st = self.server.state
        with st.lock:
            st.requests += 1
            mode, seconds, pattern = st.mode, st.seconds, st.pattern
            fault = st.draw_fault() if mode == "flaky" else None
        if fault == "500":
            return self.reply(500, {"message": "Internal server error"})
        if fault == "503":
            return self.reply(503, {"message": "Service Unavailable"})
        if fault == "hang":
            time.sleep(seconds)
            return self.reply(504, {"message": "Gateway Timeout"})
        if mode == "disabled":
            return self.reply(404, {"message": "Not Found"})
        if mode == "timeout":
            time.sleep(seconds)
            return self.reply(504, {"message": "Gateway Timeout"})
        if mode == "delay":
            time.sleep(seconds)
        auth_error = self.authenticate()
        if auth_error:
            return self.reply(403, {"message": auth_error})
        if mode == "down":
            return self.reply(503, {"message": "Internal server error"})
        if mode == "error500":
            return self.reply(500, {"message": "Internal server error"})
        status, obj = self.validate(raw)
        if status == 200 and mode in ("reject400", "flaky") and pattern and (
                pattern in obj.get("email", "") or pattern in obj.get("subscriber_uuid", "")):
            with st.lock:
                st.refused.append(obj.get("email") or obj.get("subscriber_uuid"))
            return self.reply(400, {"message": "Invalid email."})
        if status != 200:
            return self.reply(status, {"message": obj})
        st.accept(obj)
        if fault == "hang_recorded":
            with st.lock:
                st.hung_recorded.append(obj.get("email") or obj.get("subscriber_uuid"))
            time.sleep(seconds)
        return self.reply(200, {"data": True})

    @staticmethod
    def validate(raw):
        """(200, normalized bounce) or (400, listmonk's message)."""
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return 400, "Invalid data:" + str(e)
        if not isinstance(body, dict):
            kind = "array" if isinstance(body, list) else type(body).__name__
            return 400, "Invalid data:json: cannot unmarshal %s into Go value of type models.Bounce" % kind
        for field in STRING_FIELDS:
            if field in body and body[field] is not None and not isinstance(body[field], str):
                return 400, ("Invalid data:json: cannot unmarshal %s into Go struct field Bounce.%s of type string"
                             % (type(body[field]).__name__, field))
        err = parse_created_at(body.get("created_at"))
        if err:
            return 400, "Invalid data:" + err
        email = body.get("email") or ""
        sub = body.get("subscriber_uuid") or ""
        if not email and not sub:
            return 400, "Invalid fields: email / subscriber_uuid"
        if sub and not UUID_RE.match(sub):
            return 400, "Invalid fields: subscriber_uuid"
        if email:
            email = email.strip().lower()
            if not EMAIL_RE.match(email):
                return 400, "Invalid email."
            body["email"] = email
        if body.get("type") not in ("hard", "soft", "complaint"):
            return 400, "Invalid fields: type"
        return 200, body


def main():
    ap = argparse.ArgumentParser(description="fake listmonk /webhooks/bounce for tests")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--user", default="bounce-milter")
    ap.add_argument("--token", default="secret-token")
    ap.add_argument("--record")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    server.state = State(args.user, args.token, args.record)
    server.verbose = args.verbose
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    print("PORT %d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
