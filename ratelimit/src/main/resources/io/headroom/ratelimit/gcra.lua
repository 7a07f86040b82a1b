-- headroom-ratelimit: GCRA over several limits, decided in one call.
-- KEYS[i]   the TAT (theoretical arrival time) key of limit i, all under one {hash tag}
-- ARGV[1]   cost (whole permits, >= 1)
-- ARGV[2i]  emission interval T of limit i in whole microseconds
-- ARGV[2i+1] permits K of limit i (burst capacity = K * T)
-- Clock: Redis TIME (effects replication, Redis >= 5), whole microseconds; every number stays
-- below 2^53, so Lua doubles are exact.
-- Returns {allowed, remaining_1, reset_us_1, retry_us_1, remaining_2, ...}.
-- Nothing is written unless every limit allows; each write sets PX to the time the bucket is
-- full again, so no key outlives its window.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cost = tonumber(ARGV[1])
local n = #KEYS
local tats = {}
local allowed = 1
for i = 1, n do
  local T = tonumber(ARGV[2 * i])
  local cap = T * tonumber(ARGV[2 * i + 1])
  local v = redis.call('GET', KEYS[i])
  local tat = now
  if v then
    tat = tonumber(v)
    if tat == nil or tat < now then tat = now end
  end
  tats[i] = tat
  if tat + cost * T - now > cap then allowed = 0 end
end
local out = {allowed}
for i = 1, n do
  local T = tonumber(ARGV[2 * i])
  local cap = T * tonumber(ARGV[2 * i + 1])
  local tat = tats[i]
  local retry = 0
  if allowed == 1 then
    tat = tat + cost * T
    redis.call('SET', KEYS[i], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
  else
    retry = tat + cost * T - now - cap
    if retry < 0 then retry = 0 end
  end
  out[#out + 1] = math.floor((cap - (tat - now)) / T)
  out[#out + 1] = tat - now
  out[#out + 1] = retry
end
return out
