"""A minimal SMTP server for tests (python3 stdlib only): the next hop an MTA under test relays to.

Every message it accepts is kept (envelope sender, accepted recipients, data); recipients in
`refuse_domains` get `550 5.1.1 ... User unknown` at RCPT, as from a remote MX that does not know them,
so the MTA under test generates its own DSN. Runs on 127.0.0.1 in a thread of the test process."""

import socketserver
import threading


class SmtpSink:
    def __init__(self, refuse_domains=(), hostname="sink.test"):
        self.refuse_domains = tuple(d.lower() for d in refuse_domains)
        self.hostname = hostname
        self.lock = threading.Lock()
        self.messages = []  # dicts: sender, recipients, data (bytes)
        self.refused = []  # recipients answered 550
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def handle(self):
                sink._session(self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def _refused(self, address):
        domain = address.rsplit("@", 1)[-1].lower()
        return any(domain == d or domain.endswith("." + d) for d in self.refuse_domains)

    def _session(self, rfile, wfile):
        def reply(text):
            wfile.write(text.encode() + b"\r\n")
            wfile.flush()

        reply("220 %s ESMTP test sink" % self.hostname)
        sender, recipients = None, []
        while True:
            line = rfile.readline(4096)
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command[:4].upper()
            argument = command[5:] if len(command) > 5 else ""
            if verb in ("HELO", "EHLO"):
                reply("250 %s" % self.hostname)
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                reply("250 2.1.0 ok")
            elif verb == "RCPT":
                address = _address(argument)
                if sender is None:
                    reply("503 5.5.1 MAIL first")
                elif self._refused(address):
                    with self.lock:
                        self.refused.append(address)
                    reply("550 5.1.1 <%s>... User unknown" % address)
                else:
                    recipients.append(address)
                    reply("250 2.1.5 ok")
            elif verb == "DATA":
                if not recipients:
                    reply("503 5.5.1 no valid recipients")
                    continue
                reply("354 go ahead")
                data = []
                while True:
                    chunk = rfile.readline(1 << 20)
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with self.lock:
                    self.messages.append({"sender": sender, "recipients": recipients, "data": b"".join(data)})
                sender, recipients = None, []
                reply("250 2.0.0 queued")
            elif verb == "RSET":
                sender, recipients = None, []
                reply("250 2.0.0 ok")
            elif verb == "NOOP":
                reply("250 2.0.0 ok")
            elif verb == "QUIT":
                reply("221 2.0.0 bye")
                return
            else:
                reply("502 5.5.2 not implemented")


def _address(argument):
    """The address inside <...> of a MAIL FROM: or RCPT TO: argument ('' for the null sender)."""
    start, end = argument.find("<"), argument.find(">")
    if start >= 0 and end > start:
        return argument[start + 1:end]
    return argument.split(":", 1)[-1].strip().split(" ")[0]
