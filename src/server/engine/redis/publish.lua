-- Publishes one event into the cluster's log, atomically: numbers it (the epoch and the next
-- sequence number), appends it to the log every node reads, files reliable events (jobs,
-- toasts) in the replay window, and folds it into the stored state with the same rules as
-- the reducers in `src/state/` (tests compare the two). Nothing else writes these keys.
--
-- ARGV: prefix, kind (`job`|`toast`|`quote`, or `init`: only make sure an epoch exists), data (the event's JSON), entity (job id,
--       toast id or symbol), final (`1` for a job in a final state), price (quotes),
--       log length, replay window length, now (ms), jobs kept, toasts kept, history length,
--       and for a job optionally the JSON it is expected to replace (a compare-and-set:
--       concurrent reports through different nodes cannot overwrite each other).
-- Returns {epoch, seq}, or the error STALE when the job is not the one expected.
local p, kind, data, entity = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local final, price = ARGV[5] == '1', ARGV[6]
local log_len, window_len, now = ARGV[7], ARGV[8], ARGV[9]
local max_jobs, max_toasts, history_len = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])

local epoch = redis.call('GET', p .. 'epoch')
if not epoch then
  -- A log without an epoch is new (or Redis lost its data): whatever else is under the
  -- prefix belongs to no lifetime, and a new epoch tells every node and client so.
  local keys = redis.call('KEYS', p .. '*')
  for i = 1, #keys do redis.call('DEL', keys[i]) end
  local t = redis.call('TIME')
  epoch = t[1] .. string.format('%06d', tonumber(t[2]))
  redis.call('SET', p .. 'epoch', epoch)
end
if kind == 'init' then
  return {epoch, tonumber(redis.call('GET', p .. 'seq') or '0')}
end
local expect = ARGV[13]
if kind == 'job' and expect and expect ~= '' and redis.call('HGET', p .. 'jobs', entity) ~= expect then
  return redis.error_reply('STALE the job changed meanwhile')
end
local seq = redis.call('INCR', p .. 'seq')
local id = seq .. '-0'
redis.call('XADD', p .. 'log', 'MAXLEN', '~', log_len, id, 'k', kind, 'd', data, 'e', epoch)

if kind == 'job' then
  redis.call('XADD', p .. 'window', 'MAXLEN', window_len, id, 'k', kind, 'd', data, 't', now)
  local jobs, order, finished = p .. 'jobs', p .. 'jobs:order', p .. 'jobs:final'
  if redis.call('HEXISTS', jobs, entity) == 1 then
    -- A final state is final: a late update cannot revive the job.
    if redis.call('SISMEMBER', finished, entity) == 0 then
      redis.call('HSET', jobs, entity, data)
    end
  else
    redis.call('HSET', jobs, entity, data)
    redis.call('LPUSH', order, entity)
  end
  if final then redis.call('SADD', finished, entity) end
  -- The oldest finished jobs leave first; running ones never do.
  while redis.call('LLEN', order) > max_jobs do
    local ids, evicted = redis.call('LRANGE', order, 0, -1), nil
    for i = #ids, 1, -1 do
      if redis.call('SISMEMBER', finished, ids[i]) == 1 then evicted = ids[i]; break end
    end
    if not evicted then break end
    redis.call('LREM', order, 1, evicted)
    redis.call('HDEL', jobs, evicted)
    redis.call('SREM', finished, evicted)
  end
elseif kind == 'toast' then
  redis.call('XADD', p .. 'window', 'MAXLEN', window_len, id, 'k', kind, 'd', data, 't', now)
  if redis.call('SADD', p .. 'toasts:ids', entity) == 1 then
    redis.call('LPUSH', p .. 'toasts', data)
    for _, gone in ipairs(redis.call('LRANGE', p .. 'toasts:order', max_toasts - 1, -1)) do
      redis.call('SREM', p .. 'toasts:ids', gone)
    end
    redis.call('LPUSH', p .. 'toasts:order', entity)
    redis.call('LTRIM', p .. 'toasts', 0, max_toasts - 1)
    redis.call('LTRIM', p .. 'toasts:order', 0, max_toasts - 1)
  end
elseif kind == 'quote' then
  if redis.call('HSET', p .. 'quotes', entity, data) == 1 then
    redis.call('RPUSH', p .. 'quotes:order', entity)
  end
  local history = p .. 'history:' .. entity
  redis.call('RPUSH', history, price)
  redis.call('LTRIM', history, -history_len, -1)
  redis.call('HINCRBY', p .. 'quotes:ticks', entity, 1)
end
return {epoch, seq}
