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
    void theFirstCallSendsTheTextAndLaterOnesTheShaWithoutANoscriptRoundTrip() {
        RedisScript echo = RedisScript.load(RedisScriptIT.class, "echo.lua");
        connection.call(c -> c.scriptFlush());
        connection.call(c -> c.configResetstat());

        List<Object> first = echo.eval(connection, ScriptOutputType.MULTI, new String[] {"k"}, "v");
        List<Object> second = echo.eval(connection, ScriptOutputType.MULTI, new String[] {"k2"}, "v2");

        assertThat(first).containsExactly("k", "v");
        assertThat(second).containsExactly("k2", "v2");
        assertThat(connection.<List<Boolean>>call(c -> c.scriptExists(echo.sha()))).containsExactly(true);
        assertThat(scriptCalls()).containsExactly("eval:calls=1,failed=0", "evalsha:calls=1,failed=0");
    }

    @Test
    void aServerThatNoLongerKnowsTheScriptGetsItsTextOnce() {
        RedisScript echo = RedisScript.load(RedisScriptIT.class, "echo.lua");
        echo.eval(connection, ScriptOutputType.MULTI, new String[] {"k"}, "v");
        connection.call(c -> c.scriptFlush()); // as after a restart or a failover

        List<Object> reply = echo.eval(connection, ScriptOutputType.MULTI, new String[] {"k2"}, "v2");

        assertThat(reply).containsExactly("k2", "v2");
        assertThat(connection.<List<Boolean>>call(c -> c.scriptExists(echo.sha()))).containsExactly(true);
        assertThat(echo.<List<Object>>eval(connection, ScriptOutputType.MULTI, new String[] {"k3"}, "v3")).containsExactly("k3", "v3");
    }

    @Test
    void theAsyncFormSendsTheTextFirstAndFallsBackToo() throws Exception {
        RedisScript echo = RedisScript.load(RedisScriptIT.class, "echo.lua");
        connection.call(c -> c.scriptFlush());

        List<Object> first = echo.<List<Object>>evalAsync(connection, ScriptOutputType.MULTI, new String[] {"a"}, "b")
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        connection.call(c -> c.scriptFlush());
        List<Object> afterFlush = echo.<List<Object>>evalAsync(connection, ScriptOutputType.MULTI, new String[] {"c"}, "d")
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(first).containsExactly("a", "b");
        assertThat(afterFlush).containsExactly("c", "d");
        assertThat(connection.<List<Boolean>>call(c -> c.scriptExists(echo.sha()))).containsExactly(true);
    }

    /** The server's own count of EVAL and EVALSHA calls since its statistics were reset, failed ones apart. */
    private static List<String> scriptCalls() {
        String stats = connection.call(c -> c.info("commandstats"));
        return stats.lines().filter(l -> l.startsWith("cmdstat_eval"))
                .map(l -> l.replaceFirst("^cmdstat_(\\w+):calls=(\\d+),.*failed_calls=(\\d+).*$", "$1:calls=$2,failed=$3"))
                .sorted().toList();
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
