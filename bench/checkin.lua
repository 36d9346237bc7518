-- wrk script for the check-in benchmark: every request carries the next token of this run's slice of
-- var/bench/tokens-<seed>.txt (one employee per token), split between wrk threads so that no two requests
-- of a run share a token. WRAP=1 (the bare floor only) starts the slice again when it runs out; without it,
-- an exhausted thread sends to /bench/exhausted/ (a 404, counted as a failure) and stops.
-- Environment: TOKENS_FILE, TOKEN_FROM, TOKEN_TO (a half-open line range), WRK_THREADS, WRAP, CHECK_PATH.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local from = tonumber(os.getenv("TOKEN_FROM"))
  local to = tonumber(os.getenv("TOKEN_TO"))
  local nthreads = tonumber(os.getenv("WRK_THREADS"))
  tokens = {}
  local i = 0
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    if i >= from and i < to and (i % nthreads) == tid then
      tokens[#tokens + 1] = line
    end
    i = i + 1
  end
  wrap = os.getenv("WRAP") == "1"
  path = os.getenv("CHECK_PATH")
  idx = 0
  ok = 0
  bad = 0
  exhausted = 0
  body = '{"latitude": -6.175, "longitude": 106.827, "accuracy": 12}'
end

function request()
  idx = idx + 1
  local target = path
  if #tokens == 0 then
    wrk.thread:stop()
    return wrk.format("POST", "/bench/exhausted/", {}, body)
  end
  if idx > #tokens then
    if wrap then
      idx = 1
    else
      exhausted = exhausted + 1
      idx = #tokens
      target = "/bench/exhausted/"
      wrk.thread:stop()
    end
  end
  return wrk.format("POST", target, {
    ["Authorization"] = "Token " .. tokens[idx],
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local o, b, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
    x = x + t:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH ok=%d bad=%d exhausted=%d connect=%d read=%d write=%d timeout=%d requests=%d seconds=%.3f p50=%.3f p99=%.3f\n",
    o, b, x, e.connect, e.read, e.write, e.timeout, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
