-- pending -> running, at most once per job. KEYS[1] the job hash; ARGV: started_at, runner_id, agent.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if status == 'running' and redis.call('HGET', KEYS[1], 'runner_id') == ARGV[2]
    and redis.call('HGET', KEYS[1], 'started_at') == ARGV[1] then
  -- This very claim again: the client re-sent it after a reconnect because the reply was lost.
  -- Answering 'running' would make the runner acknowledge a job it holds, leaving it running forever.
  return 'claimed'
end
if status ~= 'pending' then return status end
redis.call('HSET', KEYS[1], 'status', 'running', 'started_at', ARGV[1], 'runner_id', ARGV[2], 'agent', ARGV[3])
return 'claimed'
