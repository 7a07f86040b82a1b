-- Releases a worker-ID lease if it is still ours. KEYS[1]: the worker key; ARGV[1]: holder;
-- ARGV[2]: cooldown in ms: the key keeps a placeholder that long (deleted when 0), so that a
-- successor whose clock lags cannot re-issue the last milliseconds of this holder.
-- Returns 1 released, 0 not ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    redis.call('SET', KEYS[1], 'released', 'PX', ARGV[2])
  else
    redis.call('DEL', KEYS[1])
  end
  return 1
end
return 0
