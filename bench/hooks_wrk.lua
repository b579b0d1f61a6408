-- wrk script for bench/hooks_throughput.sh: sends pre-signed, pre-rendered HTTP requests.
--   wrk ... -s bench/hooks_wrk.lua URL -- REQUESTS_FILE WRK_THREADS
-- REQUESTS_FILE holds records "<length>\n<raw HTTP/1.1 request>". Thread k of n keeps records
-- k, k+n, k+2n, ... so no two threads send the same request, and cycles through its share. A thread
-- that runs out starts over: those repeats are duplicates to bounce-hooks and are counted in done(),
-- so the script can tell a pool that was too small from a short count.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, thread_count = args[1], tonumber(args[2])
  local file = assert(io.open(path, "rb"))
  pool = {}
  local index = 0
  while true do
    local line = file:read("*l")
    if line == nil then break end
    local length = assert(tonumber(line), "bad length line in " .. path)
    if index % thread_count == id then
      pool[#pool + 1] = file:read(length)
    else
      file:seek("cur", length)
    end
    index = index + 1
  end
  file:close()
  size = #pool
  assert(size > 0, "no requests for thread " .. id .. " in " .. path)
  position = 0
  sent = 0
end

function request()
  position = position + 1
  if position > size then position = 1 end
  sent = sent + 1
  return pool[position]
end

function done(summary, latency, requests)
  local sent_total, repeats = 0, 0
  for _, thread in ipairs(threads) do
    local thread_sent, thread_size = thread:get("sent"), thread:get("size")
    sent_total = sent_total + thread_sent
    if thread_sent > thread_size then repeats = repeats + thread_sent - thread_size end
  end
  local e = summary.errors
  io.write(string.format(
    "HOOKS_BENCH requests=%d duration_us=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "status_errors=%d timeouts=%d p50_us=%d p99_us=%d max_us=%d sent=%d repeats=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, sent_total, repeats))
end
