/**
 * The fleet's Redis scripts. Each runs atomically and touches only keys of one provider (one hash
 * tag), so they work on a single node, behind Sentinel and on Redis Cluster alike.
 */

/**
 * KEYS: claim, fence, result. ARGV: pod, lease ms, slot, fence ttl ms.
 * Returns {'done', slot} when a result for this slot (or a later one) is published,
 * {'held', holder, pttl} when someone holds the claim, {'claimed', token} when it is ours.
 */
export const CLAIM_SCRIPT = `
local done = redis.call('HGET', KEYS[3], 'slot')
if done and tonumber(done) >= tonumber(ARGV[3]) then return {'done', done} end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'held', redis.call('GET', KEYS[1]) or '', tostring(redis.call('PTTL', KEYS[1]))}
end
local token = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'NX', 'PX', ARGV[2])
return {'claimed', tostring(token)}
`;

/**
 * KEYS: result, history, spend. ARGV: token, slot, pod, at, body, result ttl ms, history entry
 * (may be empty), history length, history ttl ms, spend ttl ms, then unit/amount pairs.
 * Spend is always added (the call was paid for); the result only when no newer token has written
 * one (fencing): returns 1 when published, 0 when fenced out.
 */
export const PUBLISH_SCRIPT = `
for i = 11, #ARGV, 2 do
  redis.call('HINCRBYFLOAT', KEYS[3], ARGV[i], ARGV[i + 1])
end
if #ARGV >= 11 then redis.call('PEXPIRE', KEYS[3], ARGV[10]) end
local current = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'slot', ARGV[2], 'pod', ARGV[3], 'at', ARGV[4], 'body', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[7] ~= '' then
  redis.call('LPUSH', KEYS[2], ARGV[7])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[8]) - 1)
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
end
return 1
`;

/** KEYS: claim. ARGV: token. Gives a claim back early (the pod made no call), only while it is still ours. */
export const RELEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: claim. ARGV: token, lease ms. Extends a claim while its call runs, only while it is still ours. */
export const RENEW_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS: result, spend, history. ARGV: history entries wanted (0: none). Returns {result fields, spend fields, history}. */
export const READ_SCRIPT = `
local history = {}
if tonumber(ARGV[1]) > 0 then history = redis.call('LRANGE', KEYS[3], 0, tonumber(ARGV[1]) - 1) end
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), history}
`;
