local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if status == 'pending' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[1], 'failure_kind', 'cancelled',
             'error_message', 'Cancelled before it started')
  return 'cancelled'
end
if status == 'running' then
  redis.call('HSET', KEYS[1], 'cancel_requested_at', ARGV[1])
  return 'requested'
end
return status
