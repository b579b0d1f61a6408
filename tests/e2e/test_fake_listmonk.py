#!/usr/bin/env python3
"""Checks that tests/e2e/fake_listmonk.py enforces listmonk's /webhooks/bounce rules (listmonk.md §1.2-1.4),
so other tests can trust a 200 from it. Starts it on a free port in a temp dir; stdlib only."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SUB = "5911d3f4-2346-4bfc-aad2-eb319ab0e879"


class FakeListmonkRules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        port_file = os.path.join(cls.tmp.name, "port")
        cls.record = os.path.join(cls.tmp.name, "rec.jsonl")
        cls.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_listmonk.py"), "--port", "0", "--port-file", port_file,
             "--user", "api", "--token", "tok", "--record", cls.record],
            stdout=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline:
                raise RuntimeError("fake listmonk did not start")
            time.sleep(0.05)
        cls.base = "http://127.0.0.1:%s" % open(port_file).read().strip()

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.tmp.cleanup()

    def post(self, body, auth="token api:tok", headers=None, path="/webhooks/bounce"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST")
        if auth:
            req.add_header("Authorization", auth)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def admin(self, **cmd):
        self.assertEqual(self.post(cmd, auth=None, path="/__admin")[0], 200)

    def setUp(self):
        self.admin(mode="normal")

    def test_auth(self):
        ok = {"email": "a@b.example", "type": "hard"}
        self.assertEqual(self.post(ok, auth=None), (403, {"message": "invalid session"}))
        self.assertEqual(self.post(ok, auth="token api:bad"), (403, {"message": "invalid API credentials"}))
        self.assertEqual(self.post(ok, auth="Token api:tok"), (403, {"message": "unknown Authorization scheme"}))
        self.assertEqual(self.post(ok, headers={"Cookie": "x=1; session=abc"}), (403, {"message": "invalid session"}))
        basic = "Basic " + base64.b64encode(b"api:tok").decode()
        self.assertEqual(self.post(ok, auth=basic), (200, {"data": True}))
        self.assertEqual(self.post(ok), (200, {"data": True}))

    def test_validation_order_and_messages(self):
        cases = [
            (b"not json", "Invalid data:"),
            ([{"email": "a@b.example", "type": "hard"}], "Invalid data:json: cannot unmarshal array"),
            ({"email": "a@b.example", "type": "hard", "created_at": "yesterday"}, "Invalid data:parsing time"),
            ({"type": "hard"}, "Invalid fields: email / subscriber_uuid"),
            ({"subscriber_uuid": "nope", "email": "bad", "type": "x"}, "Invalid fields: subscriber_uuid"),
            ({"email": "Name <a@b.example>", "type": "x"}, "Invalid email."),
            ({"email": "a@b.example", "type": "Hard"}, "Invalid fields: type"),
        ]
        for body, message in cases:
            status, reply = self.post(body)
            self.assertEqual(status, 400, body)
            self.assertTrue(reply["message"].startswith(message), (body, reply))

    def test_accepts_and_records_normalized(self):
        status, _ = self.post({"subscriber_uuid": SUB.upper(), "type": "complaint", "meta": {"k": "v"},
                               "created_at": "2026-07-21T10:00:00+02:00"})
        self.assertEqual(status, 200)
        status, _ = self.post({"email": "  MiXed@Example.ORG ", "type": "soft"})
        self.assertEqual(status, 200)
        with urllib.request.urlopen(self.base + "/__admin/bounces", timeout=10) as r:
            bounces = json.loads(r.read())
        self.assertIn("mixed@example.org", [b.get("email") for b in bounces])
        lines = [json.loads(l) for l in open(self.record)]
        self.assertEqual(len(lines), len(bounces))

    def test_fault_modes(self):
        ok = {"email": "a@b.example", "type": "hard"}
        self.admin(mode="down")
        self.assertEqual(self.post(ok), (503, {"message": "Internal server error"}))
        self.admin(mode="disabled")
        self.assertEqual(self.post(ok)[0], 404)
        self.admin(mode="error500")
        self.assertEqual(self.post(ok)[0], 500)
        self.admin(mode="reject400", pattern="a@b")
        self.assertEqual(self.post(ok), (400, {"message": "Invalid email."}))
        self.assertEqual(self.post({"email": "c@d.example", "type": "hard"})[0], 200)
        self.admin(mode="delay", seconds=0.2)
        start = time.time()
        self.assertEqual(self.post(ok)[0], 200)
        self.assertGreaterEqual(time.time() - start, 0.2)

    def counts(self):
        with urllib.request.urlopen(self.base + "/__admin/count", timeout=10) as r:
            return json.loads(r.read())

    def test_flaky_mode(self):
        # Every fault kind shows up, is counted, and only hang_recorded (and normal answers) store the bounce.
        self.admin(mode="flaky", seed=7, seconds=0.05, p500=0.2, p503=0.2, p_hang=0.2, p_hang_recorded=0.2,
                   pattern="refuse-")
        before = self.counts()
        statuses = [self.post({"email": "f%d@b.example" % i, "type": "hard"})[0] for i in range(60)]
        after = self.counts()
        faults = {k: after["faults"][k] - before["faults"][k] for k in after["faults"]}
        self.assertEqual(statuses.count(500), faults["500"])
        self.assertEqual(statuses.count(503), faults["503"])
        self.assertEqual(statuses.count(504), faults["hang"])
        self.assertTrue(all(n > 0 for n in faults.values()), faults)
        self.assertEqual(after["count"] - before["count"], statuses.count(200))
        self.assertEqual(statuses.count(200), 60 - faults["500"] - faults["503"] - faults["hang"])
        # The same seed draws the same faults again.
        self.admin(mode="flaky", seed=7, seconds=0.05, p500=0.2, p503=0.2, p_hang=0.2, p_hang_recorded=0.2)
        again = [self.post({"email": "g%d@b.example" % i, "type": "hard"})[0] for i in range(60)]
        self.assertEqual(again, statuses)
        # The pattern is refused with listmonk's message and listed.
        self.admin(mode="flaky", seed=1, pattern="refuse-")
        self.assertEqual(self.post({"email": "refuse-1@b.example", "type": "hard"}), (400, {"message": "Invalid email."}))
        with urllib.request.urlopen(self.base + "/__admin/refused", timeout=10) as r:
            self.assertIn("refuse-1@b.example", json.loads(r.read()))
        status, _ = self.post({"mode": "flaky", "p500": 0.7, "p503": 0.7}, auth=None, path="/__admin")
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main()
