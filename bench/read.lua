-- wrk script for the read benchmarks: a GET with the persona's token (TOKEN), counting statuses and
-- printing the median and 99th percentile (ms) on one line for bench/run.py.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
  wrk.headers["Authorization"] = "Token " .. os.getenv("TOKEN")
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
  end
  io.write(string.format("BENCH ok=%d bad=%d requests=%d seconds=%.3f p50=%.3f p99=%.3f\n", o, b, summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
