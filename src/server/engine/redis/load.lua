-- Reads the stored state and the position of the log it reflects, atomically, so a node
-- that starts (or resyncs) continues exactly after it.
--
-- ARGV: prefix. Returns {epoch or false, seq, jobs (JSON, newest first), toasts (JSON,
-- newest first), quotes: {quote JSON, {prices...}, ticks} per symbol in order of arrival,
-- the window's entries (oldest first), the id of the log's oldest entry (or false)}.
local p = ARGV[1]
local epoch = redis.call('GET', p .. 'epoch')
local seq = tonumber(redis.call('GET', p .. 'seq') or '0')
local jobs = {}
for _, id in ipairs(redis.call('LRANGE', p .. 'jobs:order', 0, -1)) do
  jobs[#jobs + 1] = redis.call('HGET', p .. 'jobs', id)
end
local quotes = {}
for _, symbol in ipairs(redis.call('LRANGE', p .. 'quotes:order', 0, -1)) do
  quotes[#quotes + 1] = {
    redis.call('HGET', p .. 'quotes', symbol),
    redis.call('LRANGE', p .. 'history:' .. symbol, 0, -1),
    redis.call('HGET', p .. 'quotes:ticks', symbol),
  }
end
local oldest = redis.call('XRANGE', p .. 'log', '-', '+', 'COUNT', 1)[1]
return {
  epoch, seq, jobs, redis.call('LRANGE', p .. 'toasts', 0, -1), quotes,
  redis.call('XRANGE', p .. 'window', '-', '+'), oldest and oldest[1] or false,
}
