package io.repobox.runner.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.repobox.output.redis.EmbeddedRedis;
import io.repobox.output.redis.OutputCursor;
import io.repobox.runner.config.RunnerConfig;
import io.repobox.runner.job.JobIds;
import io.repobox.runner.job.JobQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runners against a Redis Cluster of three masters (redis-server processes on loopback ports). */
class RedisClusterIT {

    @TempDir
    Path dir;

    @Test
    void jobsRunThroughAClusterWithTheirKeysOnDifferentShards() throws Exception {
        List<EmbeddedRedis> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(EmbeddedRedis.start(dir.resolve("node" + i), 0, false,
                        List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")));
            }
            formCluster(nodes);
            String url = "redis-cluster://" + String.join(",", nodes.stream().map(n -> "127.0.0.1:" + n.port()).toList());
            RunnerHarness h = new RunnerHarness(null, dir);

            RedisClusterClient client = RedisClusterClient.create(nodes.stream()
                    .map(n -> io.lettuce.core.RedisURI.create(n.url())).toList());
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                RedisAdvancedClusterCommands<String, String> redis = c.sync();
                Map<String, String> env = new HashMap<>(h.env("REDIS_URL", url, "MAX_CONCURRENT_JOBS", "4"));
                try (Runner a = Runner.create(RunnerConfig.of(env), url, true, Duration.ofSeconds(10));
                     Runner b = Runner.create(RunnerConfig.of(new HashMap<>(h.env("REDIS_URL", url, "MAX_CONCURRENT_JOBS", "4"))), url, true,
                             Duration.ofSeconds(10))) {
                    a.service().start();
                    b.service().start();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 12; i++) {
                        String id = UUID.randomUUID().toString();
                        redis.hset("job:" + id, Map.of("id", id, "user_id", "user-" + (i % 4), "repo_url", h.remote.toString(),
                                "prompt", "cluster job " + i, "environment", "default", "status", "pending"));
                        redis.xadd(JobQueue.STREAM, Map.of("job_id", id));
                        ids.add(id);
                    }
                    Set<String> shards = new HashSet<>();
                    for (String id : ids) {
                        try (OutputCursor cursor = a.output().follow(id, null)) {
                            long deadline = System.nanoTime() + RunnerHarness.SAFETY_NET.toNanos();
                            while (!cursor.isEnded() && System.nanoTime() < deadline) {
                                cursor.poll(Duration.ofSeconds(2));
                            }
                        }
                        assertThat(redis.hgetall("job:" + id)).as(id).containsEntry("status", "success")
                                .containsEntry("branch", JobIds.branch(id));
                        shards.add(redis.clusterKeyslot("job:" + id) + ":" + nodeOf(redis, "job:" + id));
                    }
                    assertThat(shards.stream().map(s -> s.substring(s.indexOf(':') + 1)).distinct().count())
                            .as("job keys land on different shards").isGreaterThan(1);
                    // A job's entry is acknowledged just after its end marker: wait until both runners are idle.
                    assertThat(a.service().awaitIdle(RunnerHarness.SAFETY_NET)).isTrue();
                    assertThat(b.service().awaitIdle(RunnerHarness.SAFETY_NET)).isTrue();
                    assertThat(redis.xpending(JobQueue.STREAM, JobQueue.GROUP).getCount()).isZero();
                }
            } finally {
                client.shutdown();
            }
        } finally {
            nodes.forEach(EmbeddedRedis::close);
        }
    }

    /** Which master holds {@code key}'s slot. */
    private static String nodeOf(RedisAdvancedClusterCommands<String, String> redis, String key) {
        int slot = redis.clusterKeyslot(key).intValue();
        return redis.getStatefulConnection().getPartitions().getPartitionBySlot(slot).getNodeId();
    }

    /** Splits the 16384 slots over the nodes and makes them meet; waits until the cluster says it is ok. */
    private static void formCluster(List<EmbeddedRedis> nodes) {
        int n = nodes.size();
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        List<RedisClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                RedisClient client = RedisClient.create(nodes.get(i).url());
                clients.add(client);
                StatefulRedisConnection<String, String> c = client.connect();
                connections.add(c);
                int from = i * 16384 / n;
                int to = (i + 1) * 16384 / n;
                c.sync().clusterAddSlots(IntStream.range(from, to).toArray());
            }
            for (int i = 1; i < n; i++) {
                connections.get(0).sync().clusterMeet("127.0.0.1", nodes.get(i).port());
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!connections.stream().allMatch(c -> c.sync().clusterInfo().contains("cluster_state:ok")
                    && c.sync().clusterInfo().contains("cluster_known_nodes:" + n))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the cluster did not form: " + connections.get(0).sync().clusterInfo());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms: no busy loop on Redis
            }
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            clients.forEach(RedisClient::shutdown);
        }
    }
}
