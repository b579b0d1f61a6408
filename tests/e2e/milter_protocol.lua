-- Protocol test: drives a running bounce-milter through the milter protocol with miltertest.
-- Globals from -D: sock (unix:/path), dsn (fixture path), human (fixture path).
-- Lua error() exits silently in Debian's miltertest, so failures print and exit explicitly.

local function fail(msg)
  print("FAIL: " .. msg)
  os.exit(1)
end

local names = {}
for _, n in ipairs({"SMFIR_CONTINUE", "SMFIR_ACCEPT", "SMFIR_DISCARD", "SMFIR_TEMPFAIL", "SMFIR_REJECT",
                    "SMFIR_SKIP", "SMFIR_REPLYCODE"}) do
  if _G[n] ~= nil then names[_G[n]] = n end
end
local function reply_name(r) return names[r] or tostring(r) end

local function step(what, err)
  if err ~= nil then fail(what .. ": " .. tostring(err)) end
end

local function expect(conn, want, what)
  local got = mt.getreply(conn)
  if got ~= want then fail(what .. ": got " .. reply_name(got) .. ", want " .. reply_name(want)) end
end

-- Splits a message file into headers {name, value} (folding kept, as an MTA passes it) and a CRLF body.
local function load_message(path)
  local f = io.open(path, "rb")
  if f == nil then fail("cannot open " .. path) end
  local text = f:read("a"):gsub("\r\n", "\n")
  f:close()
  local head, body = text:match("^(.-)\n\n(.*)$")
  local headers = {}
  for line in (head .. "\n"):gmatch("(.-)\n") do
    if line:match("^[ \t]") and #headers > 0 then
      headers[#headers].value = headers[#headers].value .. "\n" .. line
    else
      local name, value = line:match("^([^:]+):[ \t]*(.*)$")
      if name == nil then fail("bad header line in " .. path .. ": " .. line) end
      headers[#headers + 1] = {name = name, value = value}
    end
  end
  return headers, body:gsub("\n", "\r\n")
end

local function send_message(conn, sender, rcpts, path, qid)
  step("MAIL", mt.mailfrom(conn, sender))
  expect(conn, SMFIR_CONTINUE, "MAIL " .. sender)
  for _, r in ipairs(rcpts) do
    step("macro rcpt", mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", (r:gsub("[<>]", ""))))
    step("RCPT", mt.rcptto(conn, r))
    expect(conn, SMFIR_CONTINUE, "RCPT " .. r)
  end
  step("DATA", mt.data(conn))
  expect(conn, SMFIR_CONTINUE, "DATA")
  local headers, body = load_message(path)
  for _, h in ipairs(headers) do
    step("header " .. h.name, mt.header(conn, h.name, h.value))
    expect(conn, SMFIR_CONTINUE, "header " .. h.name)
  end
  step("EOH", mt.eoh(conn))
  expect(conn, SMFIR_CONTINUE, "EOH")
  step("body", mt.bodystring(conn, body))
  expect(conn, SMFIR_CONTINUE, "body")
  step("macro eom", mt.macro(conn, string.byte("E"), "i", qid))
  step("EOM", mt.eom(conn))
end

mt.set_timeout(10)
local conn = mt.connect(sock, 100, 0.1)
if conn == nil then fail("cannot connect to " .. sock) end

if mode == "tag" then
  -- on_bounce = tag: the bounce is delivered with X-Bounce-Type / X-Bounce-Reason added.
  send_message(conn, "<>", {"<bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com>"}, dsn, "TAG1")
  expect(conn, SMFIR_ACCEPT, "EOM in tag mode")
  for name, want in pairs({["X-Bounce-Type"] = "hard", ["X-Bounce-Reason"] = "userunknown"}) do
    if not mt.eom_check(conn, MT_HDRADD, name) then fail(name .. " not added") end
    local value = mt.getheader(conn, name, 0)
    if value == nil or value:gsub("^%s+", "") ~= want then fail(name .. " is '" .. tostring(value) .. "', want " .. want) end
  end
  print("ok - tag mode adds X-Bounce-Type and X-Bounce-Reason")
  mt.disconnect(conn)
  os.exit(0)
end

-- 1. Normal mail is accepted at DATA: no header or body is sent to the filter.
step("MAIL", mt.mailfrom(conn, "<alice@example.org>"))
expect(conn, SMFIR_CONTINUE, "MAIL (normal)")
step("RCPT", mt.rcptto(conn, "<bob@lists.example.com>"))
expect(conn, SMFIR_CONTINUE, "RCPT (normal, must not accept at RCPT)")
step("RCPT", mt.rcptto(conn, "<carol@lists.example.com>"))
expect(conn, SMFIR_CONTINUE, "RCPT 2 (normal)")
step("DATA", mt.data(conn))
expect(conn, SMFIR_ACCEPT, "DATA of a non-bounce message")
print("ok 1 - non-bounce accepted at DATA")

-- 2. A DSN to a VERP bounce address is recorded and discarded.
send_message(conn, "<>", {"<bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com>"}, dsn, "PROTO1")
expect(conn, SMFIR_DISCARD, "EOM of a DSN")
print("ok 2 - DSN discarded")

-- 3. Abort twice (as Postfix does after rejected recipients), then more messages on the connection.
step("MAIL", mt.mailfrom(conn, "<>"))
step("RCPT", mt.rcptto(conn, "<bounces@lists.example.com>"))
step("DATA", mt.data(conn))
expect(conn, SMFIR_CONTINUE, "DATA (to abort)")
step("header", mt.header(conn, "Subject", "aborted"))
step("abort", mt.abort(conn))
step("abort again", mt.abort(conn))
step("MAIL", mt.mailfrom(conn, "<alice@example.org>"))
expect(conn, SMFIR_CONTINUE, "MAIL after abort")
step("RCPT", mt.rcptto(conn, "<bob@lists.example.com>"))
step("DATA", mt.data(conn))
expect(conn, SMFIR_ACCEPT, "DATA after aborts (state must not leak)")
-- The same DSN again: recorded once (the outbox deduplicates), still discarded.
send_message(conn, "<>", {"<BOUNCES+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@Lists.Example.com>"}, dsn, "PROTO2")
expect(conn, SMFIR_DISCARD, "EOM of the repeated DSN")
print("ok 3 - double abort, then clean messages")

-- 4. A human reply to the bounce address is delivered.
send_message(conn, "<alice@dest.example>", {"<bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com>"},
             human, "PROTO3")
expect(conn, SMFIR_ACCEPT, "EOM of a human reply")
print("ok 4 - human reply accepted")

-- 5. Mixed recipients: the bounce copy is removed, the message accepted for the other recipient.
send_message(conn, "<>", {"<bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com>",
                          "<postmaster@lists.example.com>"}, dsn, "PROTO4")
expect(conn, SMFIR_ACCEPT, "EOM with mixed recipients")
if not mt.eom_check(conn, MT_RCPTDELETE, "<bounces+8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11@lists.example.com>") then
  fail("the bounce recipient was not deleted")
end
print("ok 5 - mixed recipients: bounce copy deleted")

-- 6. Past max_message_bytes the filter asks for no more body (SKIP) and still answers at EOM.
step("MAIL", mt.mailfrom(conn, "<>"))
step("RCPT", mt.rcptto(conn, "<bounces@lists.example.com>"))
step("DATA", mt.data(conn))
step("header", mt.header(conn, "Subject", "huge"))
step("EOH", mt.eoh(conn))
local chunk = string.rep("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", 625)  -- 40000 bytes
step("body 1", mt.bodystring(conn, chunk))
expect(conn, SMFIR_CONTINUE, "first body chunk below the limit")
step("body 2", mt.bodystring(conn, chunk))
expect(conn, SMFIR_SKIP, "body chunk past max_message_bytes")
step("EOM", mt.eom(conn))
expect(conn, SMFIR_ACCEPT, "EOM of an oversized non-report")
print("ok 6 - oversized message skipped")

mt.disconnect(conn)
print("all protocol checks passed")
