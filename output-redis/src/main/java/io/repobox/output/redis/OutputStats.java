package io.repobox.output.redis;

/**
 * Counters of a {@link RedisOutput}'s writer since it was made, for a meter to read (all
 * monotonic). Reading them costs a few volatile reads; the writer keeps them without locks.
 *
 * @param linesWritten  entries Redis has stored (output lines, notices and end markers)
 * @param bytesWritten  the size of those entries' fields and values, in characters (bytes for ASCII)
 * @param writes        script calls answered by Redis (one per job per batch)
 * @param writeNanos    the time those calls took, from sending to the answer, summed
 * @param retries       calls sent again after Redis did not answer or answered with an error that can pass
 */
public record OutputStats(long linesWritten, long bytesWritten, long writes, long writeNanos, long retries) {
}
