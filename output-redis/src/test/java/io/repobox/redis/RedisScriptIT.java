package io.repobox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ScriptOutputType;
import io.repobox.output.redis.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scripts are sent by SHA; a server that does not know one (flushed, restarted, another node) gets its text once. */
class RedisScriptIT {

    static TestRedis server;
    static Redis redis;
    static Redis.Connection connection;

    @BeforeAll
    static void start() {
        server = TestRedis.startPersistent();
        redis = Redis.create(server.url(), Duration.ofSeconds(10));
        connection = redis.connect();
    }

    @AfterAll
    static void stop() {
        connection.close();
        redis.close();
        server.close();
    }

    @Test
    void aScriptTheServerDoesNotKnowIsSentOnceAndThenCalledBySha() {
        RedisScript echo = RedisScript.load(RedisScriptIT.class, "echo.lua");
        connection.call(c -> c.scriptFlush());

        List<Object> first = echo.eval(connection, ScriptOutputType.MULTI, new String[] {"k"}, "v");

        assertThat(first).containsExactly("k", "v");
        assertThat(connection.<List<Boolean>>call(c -> c.scriptExists(echo.sha()))).containsExactly(true);
        assertThat(echo.<List<Object>>eval(connection, ScriptOutputType.MULTI, new String[] {"k2"}, "v2")).containsExactly("k2", "v2");
    }

    @Test
    void theAsyncFormFallsBackToo() throws Exception {
        RedisScript echo = RedisScript.load(RedisScriptIT.class, "echo.lua");
        connection.call(c -> c.scriptFlush());

        List<Object> reply = echo.<List<Object>>evalAsync(connection, ScriptOutputType.MULTI, new String[] {"a"}, "b")
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(reply).containsExactly("a", "b");
        assertThat(connection.<List<Boolean>>call(c -> c.scriptExists(echo.sha()))).containsExactly(true);
    }

    @Test
    void aMissingScriptIsAPackagingErrorNamedAsSuch() {
        assertThatThrownBy(() -> RedisScript.load(RedisScriptIT.class, "nope.lua")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the Lua script nope.lua is missing next to io.repobox.redis.RedisScriptIT");
    }

    @Test
    void keysAreTheContractsNames() {
        assertThat(RedisKeys.job("j1")).isEqualTo("job:j1");
        assertThat(RedisKeys.output("j1")).isEqualTo("job:j1:output");
        assertThat(RedisKeys.lease("j1")).isEqualTo("job:j1:lease");
        assertThat(RedisKeys.gitProvider("u", "p")).isEqualTo("git_provider:u:p");
        assertThat(RedisKeys.userJobs("u")).isEqualTo("jobs:user:u");
        assertThat(RedisKeys.userSlots("u")).isEqualTo("runner:user:u:active");
        assertThat(RedisKeys.heartbeat("r")).isEqualTo("runner:r:heartbeat");
        assertThat(List.of(RedisKeys.JOBS_STREAM, RedisKeys.JOBS_GROUP, RedisKeys.CANCEL_CHANNEL))
                .containsExactly("jobs:stream", "jobs:stream:runners", "jobs:cancel");
    }
}
