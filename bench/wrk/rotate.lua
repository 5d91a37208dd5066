-- wrk script of the benchmark and load runs (bench/run.py).
-- Rotates through the requests of the file $BENCH_PATHS, one a line: "A /path" anonymous or
-- "S /path" with the signed-in session cookie $BENCH_COOKIE. Counts the answers that are not
-- 200 (redirects included: a signed-in page that redirects has lost its session) and prints the
-- figures as one line of JSON after "BENCH_JSON ". Every request asks for its connection to be
-- closed, as gunicorn's sync workers do anyway: with kept-alive connections, which worker served
-- which client was fixed for the whole run, and throughput swung by a factor of 2.5 with it.

local requests = {}
local cookie = os.getenv("BENCH_COOKIE") or ""
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local who, path = line:match("^(%a)%s+(%S+)$")
  if path then
    local headers = {["Connection"] = "close"}
    if who == "S" and cookie ~= "" then headers["Cookie"] = cookie end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
end

counter = 0
not_ok = 0

request = function()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

response = function(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end

local threads = {}
setup = function(thread)
  thread:set("counter", #threads)
  threads[#threads + 1] = thread
end

done = function(summary, latency, _)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "not_ok": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, failed,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
