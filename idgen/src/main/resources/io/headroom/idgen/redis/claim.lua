-- Leases the first free worker ID, scanning from a random start and wrapping around.
-- KEYS[1]: the namespace's "since" marker (when this Redis's lease data began, ms, Redis clock).
-- ARGV[1]: worker key prefix (same hash tag as KEYS[1]); ARGV[2]: max worker ID;
-- ARGV[3]: start; ARGV[4]: holder; ARGV[5]: TTL in ms.
-- Returns {worker ID or -1 when all are taken, ms to wait before using it}. The wait is non-zero
-- only while the marker is younger than one TTL: the data was lost (or is new), and a previous
-- holder of the ID may still be issuing until its own lease deadline.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[5])
local since = redis.call('GET', KEYS[1])
if since then
  since = tonumber(since)
else
  since = now
  redis.call('SET', KEYS[1], now)
end
local wait = since + ttl - now
if wait < 0 then
  wait = 0
end
local n = tonumber(ARGV[2]) + 1
local start = tonumber(ARGV[3])
for i = 0, n - 1 do
  local id = (start + i) % n
  if redis.call('SET', ARGV[1] .. id, ARGV[4], 'NX', 'PX', ttl) then
    return {id, wait}
  end
end
return {-1, 0}
