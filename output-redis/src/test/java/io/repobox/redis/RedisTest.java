package io.repobox.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class RedisTest {

    @Test
    void aUrlIsShownWithoutItsPassword() {
        assertThat(Redis.redact("redis://runner:S3cret@redis.internal:6379/0")).isEqualTo("redis://runner:***@redis.internal:6379/0");
        assertThat(Redis.redact("redis://:S3cret@127.0.0.1:6379")).isEqualTo("redis://:***@127.0.0.1:6379");
        assertThat(Redis.redact("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    }

    @Test
    void anErrorIsWordedByItsInnermostCause() {
        RuntimeException wrapped = new RuntimeException("Unable to connect",
                new UncheckedIOException(new IOException("io", new ConnectException("Connection refused: /127.0.0.1:1"))));

        assertThat(Redis.rootMessage(wrapped)).isEqualTo("Connection refused: /127.0.0.1:1");
        assertThat(Redis.rootMessage(new IllegalStateException("alone"))).isEqualTo("alone");
    }

    @Test
    void onlyErrorsRetryingCannotFixArePermanent() {
        assertThat(Redis.isPermanent(new io.lettuce.core.RedisCommandExecutionException("WRONGTYPE"), "WRONGTYPE Operation against a key"))
                .isTrue();
        assertThat(Redis.isPermanent(null, "NOSCRIPT No matching script")).isTrue();
        assertThat(Redis.isPermanent(null, "LOADING Redis is loading the dataset in memory")).isFalse();
        assertThat(Redis.isPermanent(null, "READONLY You can't write against a read only replica")).isFalse();
        assertThat(Redis.isPermanent(new io.lettuce.core.RedisConnectionException("refused"), "refused")).isFalse();
    }
}
