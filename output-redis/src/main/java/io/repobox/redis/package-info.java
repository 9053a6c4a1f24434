/**
 * The small Redis layer every part of the runner goes through: {@link io.repobox.redis.Redis} owns
 * the one Lettuce client of a process (its event loops and timers) and hands out connections;
 * {@link io.repobox.redis.RedisKeys} spells the contract's key names; {@link
 * io.repobox.redis.RedisScript} runs Lua scripts kept as resources by their SHA. Lettuce types appear
 * in this package's signatures and nowhere else's.
 */
package io.repobox.redis;
