-- wrk script for the shortener: redirects over the codes in $CODES_FILE with a Zipf-like
-- popularity (rank r is requested with weight 1/r^s, s = $ZIPF_S, default 1.0), plus a share
-- ($CREATE_SHARE, default 0.05) of POST /api/v1/urls creations.
local codes_file = os.getenv("CODES_FILE") or "codes.txt"
local zipf_s = tonumber(os.getenv("ZIPF_S") or "1.0")
local create_share = tonumber(os.getenv("CREATE_SHARE") or "0.05")

local codes = {}
local cdf = {}
local threads = {}
local counter = 0

local function load()
  for line in io.lines(codes_file) do
    if #line > 0 then codes[#codes + 1] = line end
  end
  local total = 0
  for r = 1, #codes do
    total = total + 1 / (r ^ zipf_s)
    cdf[r] = total
  end
  for r = 1, #codes do cdf[r] = cdf[r] / total end
end

local function pick()
  local u = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return codes[lo]
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  load()
  math.randomseed(os.time() + id * 7919)
  redirects, creates, other = 0, 0, 0
  created_ok, limited = 0, 0
  n = 0
end

local post_headers = { ["Content-Type"] = "application/json" }

function request()
  n = n + 1
  if math.random() < create_share then
    local body = '{"url":"https://example.com/load/' .. id .. '/' .. n .. '"}'
    return wrk.format("POST", "/api/v1/urls", post_headers, body)
  end
  return wrk.format("GET", "/" .. pick())
end

function response(status, headers, body)
  if status == 302 then
    redirects = redirects + 1
  elseif status == 201 then
    created_ok = created_ok + 1
  elseif status == 429 then
    limited = limited + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local r, c, l, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("redirects")
    c = c + t:get("created_ok")
    l = l + t:get("limited")
    o = o + t:get("other")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.0f\n",
    summary.requests, secs, summary.requests / secs))
  io.write(string.format("RESULT p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("RESULT redirects_302=%d created_201=%d limited_429=%d other=%d errors=%d\n",
    r, c, l, o, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
