-- Where each events stream named in ARGV ends, in one call instead of one XINFO STREAM each: XINFO's reply also
-- carries the stream's first and last entries, which Vigil does not need, and at a first poll of 1,000 queues
-- decoding those was most of the first round trip. Read-only. Each stream's reply: {0} when it does not exist
-- (or is not a stream: XINFO STREAM refuses both, and Vigil treats both as no stream), else
-- {1, last-generated-id, entries-added}, entries-added -1 where Redis (before 7.0) does not report it.
local out = {}
for i = 1, #ARGV do
  local info = redis.pcall('XINFO', 'STREAM', ARGV[i])
  if type(info) == 'table' and info.err then
    if not (string.find(info.err, 'no such key', 1, true) or string.sub(info.err, 1, 9) == 'WRONGTYPE') then
      error(info)
    end
    out[i] = {0}
  else
    local last, added = '0-0', -1
    for f = 1, #info, 2 do
      if info[f] == 'last-generated-id' then
        last = info[f + 1]
      elseif info[f] == 'entries-added' then
        added = info[f + 1]
      end
    end
    out[i] = {1, last, added}
  end
end
return out
