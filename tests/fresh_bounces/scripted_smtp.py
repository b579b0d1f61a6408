"""A scripted SMTP receiver on 127.0.0.1: answers each recipient with the reply the test assigned to it and
keeps every message sent to the bounce address (the DSNs the MTA under test generated).

`plan` maps a recipient address (lower case) to (stage, reply lines): stage RCPT answers the RCPT command,
stage DATA accepts the recipient and answers the end of data. Recipients not in the plan are accepted; a
message with a null sender addressed to `bounce_address` is written to `capture_dir`. A SilentServer
accepts connections and never greets (the MTA's greeting timeout ends the session)."""
import os
import socket
import socketserver
import threading
import uuid


class _Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def send(self, *lines):
        self.wfile.write(b"".join(line.encode() + b"\r\n" for line in lines))
        self.wfile.flush()

    def handle(self):
        srv = self.server
        self.send("220 sink.test.local ESMTP scripted receiver")
        sender, rcpts, data_reply = None, [], None
        while True:
            try:
                raw = self.rfile.readline(65536)
            except (OSError, socket.timeout):
                return
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.send("250-sink.test.local", "250-8BITMIME", "250 SIZE 52428800")
            elif verb == "HELO":
                self.send("250 sink.test.local")
            elif verb == "MAIL":
                sender = line[line.find(":") + 1:].strip().split(" ")[0].strip("<>").lower()
                rcpts, data_reply = [], None
                self.send("250 2.1.0 Ok")
            elif verb == "RCPT":
                rcpt = line[line.find(":") + 1:].strip().split(" ")[0].strip("<>").lower()
                stage, lines = srv.plan.get(rcpt, ("ACCEPT", None))
                srv.log(rcpt, stage)
                if stage == "RCPT":
                    self.send(*lines)
                    continue
                if stage == "DATA":
                    data_reply = lines
                rcpts.append(rcpt)
                self.send("250 2.1.5 Ok")
            elif verb == "DATA":
                if not rcpts:
                    self.send("554 5.5.1 Error: no valid recipients")
                    continue
                self.send("354 End data with <CR><LF>.<CR><LF>")
                body = []
                while True:
                    chunk = self.rfile.readline(1 << 20)
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if data_reply:
                    self.send(*data_reply)
                else:
                    if sender == "" and srv.bounce_address in rcpts:
                        srv.keep(b"".join(body))
                    self.send("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                sender, rcpts, data_reply = None, [], None
                self.send("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.send("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.send("221 2.0.0 Bye")
                return
            else:
                self.send("502 5.5.2 Error: command not recognized")


class ScriptedServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, plan, bounce_address, capture_dir):
        self.plan = {k.lower(): v for k, v in plan.items()}
        self.bounce_address = bounce_address.lower()
        self.capture_dir = capture_dir
        self.seen = []
        self._lock = threading.Lock()
        os.makedirs(capture_dir, exist_ok=True)
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def log(self, rcpt, stage):
        with self._lock:
            self.seen.append((rcpt, stage))

    def keep(self, data):
        path = os.path.join(self.capture_dir, "%s.eml" % uuid.uuid4().hex)
        with open(path + ".tmp", "wb") as f:
            f.write(data.replace(b"\r\n", b"\n"))
        os.rename(path + ".tmp", path)

    def captured(self):
        return sorted(os.path.join(self.capture_dir, f) for f in os.listdir(self.capture_dir) if f.endswith(".eml"))

    def stop(self):
        self.shutdown()
        self.server_close()


class SilentServer:
    """Accepts TCP connections and says nothing, as a hung MX does."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def stop(self):
        self.running = False
        self.sock.close()
        for c in self.held:
            c.close()
