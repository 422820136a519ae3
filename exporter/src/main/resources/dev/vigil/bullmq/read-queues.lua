-- Reads the state of BullMQ queues in one call, with the same reads KnownQueue otherwise sends one command each:
-- at 1,000 queues the client's work per command (encoding, a reply object, decoding) costs more than Redis
-- spends answering. Read-only. ARGV[1] is the prefix, ARGV[2..] the queue names, each after one character:
-- '1' when Bull 3's keys are to be looked up (the queue had no meta hash at its last read, or was never read,
-- as KnownQueue decides for its commands), else '0'. STATES (key suffix, and whether it is a list) is put
-- before this text by QueueScript, from JobState, in JobState's order.
--
-- Each queue's reply: the 8 counts; the meta hash (0 missing, 1 present, 2 present with 'paused'); EXISTS of
-- 'id' and of Bull 3's 'meta-paused' (-1: not asked); the last two ids of 'wait' and of
-- 'paused', the first of 'prioritized'; the timestamp and delay of each job next in line, in that order; then,
-- only when a key was of another type, Redis' WRONGTYPE error. A read refused for WRONGTYPE is nil in its
-- place. Any other error (an ACL that denies a key, say) fails the whole call, and Vigil reads with commands.
local prefix = ARGV[1]
local refusal

local function call(...)
  local r = redis.pcall(...)
  if type(r) == 'table' and r.err then
    if string.sub(r.err, 1, 9) ~= 'WRONGTYPE' then
      error(r)
    end
    refusal = refusal or r.err
    return false
  end
  return r
end

-- The job next in line at a list's tail, passing over BullMQ 5's marker ('0:<ts>'), as KnownQueue does.
local function nextInLine(tail, candidates)
  if tail and #tail > 0 then
    local id = tail[#tail]
    if string.sub(id, 1, 2) == '0:' then
      id = tail[#tail - 1]
    end
    if id then
      candidates[#candidates + 1] = id
    end
  end
end

local out = {}
for i = 2, #ARGV do
  local legacy = string.sub(ARGV[i], 1, 1) == '1'
  local base = prefix .. ':' .. string.sub(ARGV[i], 2) .. ':'
  refusal = nil
  local r = {}
  for s = 1, #STATES do
    r[s] = call(STATES[s][2] and 'LLEN' or 'ZCARD', base .. STATES[s][1])
  end
  local meta = call('HGETALL', base .. 'meta')
  local metaState = meta
  if meta then
    metaState = #meta == 0 and 0 or 1
    for f = 1, #meta, 2 do
      if meta[f] == 'paused' then
        metaState = 2
      end
    end
  end
  r[#r + 1] = metaState
  if legacy then
    r[#r + 1] = call('EXISTS', base .. 'id')
    r[#r + 1] = call('EXISTS', base .. 'meta-paused')
  else
    r[#r + 1] = -1
    r[#r + 1] = -1
  end
  local wait = call('LRANGE', base .. 'wait', -2, -1)
  local paused = call('LRANGE', base .. 'paused', -2, -1)
  local prioritized = call('ZRANGE', base .. 'prioritized', 0, 0)
  r[#r + 1] = wait
  r[#r + 1] = paused
  r[#r + 1] = prioritized
  local candidates = {}
  nextInLine(wait, candidates)
  nextInLine(paused, candidates)
  if prioritized and #prioritized > 0 then
    candidates[#candidates + 1] = prioritized[1]
  end
  local times = {}
  for c = 1, #candidates do
    -- A job key of another type is no reason to skip the queue: that job just has no time.
    local t = redis.pcall('HMGET', base .. candidates[c], 'timestamp', 'delay')
    if type(t) == 'table' and t.err then
      if string.sub(t.err, 1, 9) ~= 'WRONGTYPE' then
        error(t)
      end
      t = false
    end
    times[c] = t
  end
  r[#r + 1] = times
  if refusal then
    r[#r + 1] = refusal
  end
  out[i - 1] = r
end
return out
