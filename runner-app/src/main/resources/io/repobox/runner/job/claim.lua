local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if status ~= 'pending' then return status end
redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1], 'runner_id', ARGV[2], 'agent', ARGV[3])
return 'claimed'
