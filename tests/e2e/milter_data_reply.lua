-- Sends one message envelope and checks the filter's answer at DATA.
-- Globals from -D: sock, rcpt (with brackets), want ("accept" = out of scope, "continue" = in scope).
local function fail(msg)
  print("FAIL: " .. msg)
  os.exit(1)
end
local conn = mt.connect(sock, 100, 0.1)
if conn == nil then fail("cannot connect to " .. sock) end
if mt.mailfrom(conn, "<>") ~= nil then fail("MAIL") end
if mt.rcptto(conn, rcpt) ~= nil then fail("RCPT") end
if mt.getreply(conn) ~= SMFIR_CONTINUE then fail("RCPT not answered with continue") end
if mt.data(conn) ~= nil then fail("DATA") end
local want_reply = (want == "accept") and SMFIR_ACCEPT or SMFIR_CONTINUE
if mt.getreply(conn) ~= want_reply then fail("DATA for " .. rcpt .. ": expected " .. want) end
mt.disconnect(conn)
