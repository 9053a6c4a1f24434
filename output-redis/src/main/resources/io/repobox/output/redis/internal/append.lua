local key = KEYS[1]
local function before(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am < bm or (am == bm and as < bs)
end
local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
if top[1] and before(top[1][1], ARGV[2]) then
  return {0, 'GAP the stream ends at ' .. top[1][1] .. ', before ' .. ARGV[2]}
end
local i = 3
local done = 0
while i <= #ARGV do
  local n = tonumber(ARGV[i + 1])
  local reply = redis.pcall('XADD', key, ARGV[i], unpack(ARGV, i + 2, i + 1 + n))
  if type(reply) == 'table' and reply.err and not string.find(reply.err, 'equal or smaller', 1, true) then
    return {done, reply.err}
  end
  done = done + 1
  i = i + 2 + n
end
if tonumber(ARGV[1]) > 0 then
  redis.call('EXPIRE', key, ARGV[1])
end
return {done}
