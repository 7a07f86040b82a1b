-- Renews a worker-ID lease. KEYS[1]: the worker key; ARGV[1]: holder; ARGV[2]: TTL in ms.
-- Returns 1 renewed, 2 re-taken (the key had vanished and the ID was free), 0 held by another.
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0
