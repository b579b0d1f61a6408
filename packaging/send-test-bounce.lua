-- Sends one message file to a running bounce-milter as an MTA would (null sender, to a bounce
-- address), the way `./dev run` suggests trying the demo. miltertest (Debian package miltertest)
-- talks the milter protocol, so no MTA is needed:
--   miltertest -D sock=inet:8895@127.0.0.1 -D msg=tests/fixtures/milter/dsn-hard-listmonk.eml \
--     [-D rcpt=bounces@lists.example.com] -s packaging/send-test-bounce.lua
-- Lua error() exits silently in Debian's miltertest, so failures print and exit explicitly.

local function fail(text)
  print("send-test-bounce: " .. text)
  os.exit(1)
end
local function step(what, err)
  if err ~= nil then fail(what .. ": " .. tostring(err)) end
end

if sock == nil or msg == nil then fail("usage: miltertest -D sock=SPEC -D msg=FILE [-D rcpt=ADDR] -s send-test-bounce.lua") end
rcpt = rcpt or "bounces@lists.example.com"

local f = io.open(msg, "rb")
if f == nil then fail("cannot open " .. msg) end
local text = f:read("a"):gsub("\r\n", "\n")
f:close()
local head, body = text:match("^(.-)\n\n(.*)$")
if head == nil then fail(msg .. " has no blank line between header and body") end

mt.set_timeout(10)
local conn = mt.connect(sock, 20, 0.25)
if conn == nil then fail("cannot connect to " .. sock .. " (is the milter running?)") end
step("MAIL", mt.mailfrom(conn, "<>"))
step("macro rcpt", mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", rcpt))
step("RCPT", mt.rcptto(conn, "<" .. rcpt .. ">"))
step("DATA", mt.data(conn))
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("the milter did not take the message at DATA: is " .. rcpt .. " one of its bounce_addresses?") end
-- Header lines, continuation lines folded into the header they continue (as an MTA passes them).
local name, value
local function flush()
  if name ~= nil then step("header " .. name, mt.header(conn, name, value)) end
end
for line in (head .. "\n"):gmatch("(.-)\n") do
  if line:match("^[ \t]") and name ~= nil then
    value = value .. "\n" .. line
  else
    flush()
    name, value = line:match("^([^:]+):[ \t]*(.*)$")
    if name == nil then fail("bad header line in " .. msg .. ": " .. line) end
  end
end
flush()
step("EOH", mt.eoh(conn))
step("body", mt.bodystring(conn, (body:gsub("\n", "\r\n"))))
step("macro eom", mt.macro(conn, string.byte("E"), "i", "TESTBOUNCE"))
step("EOM", mt.eom(conn))
local verdicts = {[SMFIR_DISCARD] = "recorded and discarded", [SMFIR_ACCEPT] = "accepted",
                  [SMFIR_TEMPFAIL] = "tempfailed (the outbox could not take it: see the milter's log)",
                  [SMFIR_REJECT] = "rejected"}
local reply = mt.getreply(conn)
print("milter: " .. (verdicts[reply] or ("reply " .. tostring(reply))))
mt.disconnect(conn)
