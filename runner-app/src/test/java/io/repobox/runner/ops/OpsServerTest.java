package io.repobox.runner.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.repobox.runner.config.ConfigurationException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void addressesAreHostAndPort() {
        assertThat(OpsServer.parse("127.0.0.1:9090")).isEqualTo(new InetSocketAddress("127.0.0.1", 9090));
        assertThat(OpsServer.parse(":9090")).isEqualTo(new InetSocketAddress(9090));
        assertThat(OpsServer.parse("[::1]:9090")).isEqualTo(new InetSocketAddress("::1", 9090));
        assertThatThrownBy(() -> OpsServer.parse("9090")).isInstanceOf(ConfigurationException.class).hasMessage(
                "HTTP_ADDRESS must be host:port (for example 0.0.0.0:9090, or 127.0.0.1:9090 to answer on this host only), got '9090'");
        assertThatThrownBy(() -> OpsServer.parse("localhost:http")).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("HTTP_ADDRESS must end with a port from 0 to 65535");
    }

    @Test
    void aLoopThatStopsTurningFailsLiveness() {
        assertThat(OpsServer.liveness(Map.of("dispatcher", Duration.ofSeconds(2)), Duration.ofSeconds(90))).isEmpty();
        assertThat(OpsServer.liveness(Map.of("maintenance", Duration.ofSeconds(95)), Duration.ofSeconds(90)))
                .containsExactly("the maintenance loop has not turned for 1m 35s (limit 1m 30s)");
    }

    @Test
    void readinessAnswers503WithEachReasonUntilEveryCheckPasses() throws Exception {
        AtomicReference<String> redis = new AtomicReference<>("Redis at redis://h:6379 is unreachable: Connection refused");
        ReadinessChecks checks = new ReadinessChecks().add("redis", redis::get).add("sandbox", () -> {
            throw new IllegalStateException("bwrap is missing");
        });
        Map<String, Duration> loops = Map.of("dispatcher", Duration.ofSeconds(1));
        try (OpsServer server = OpsServer.start("127.0.0.1:0", () -> "m 1\n", () -> loops, checks, Duration.ofSeconds(90))) {
            HttpResponse<String> notYet = get(server, "/readyz");
            assertThat(notYet.statusCode()).isEqualTo(503);
            assertThat(notYet.body()).isEqualTo("redis: not checked yet\nsandbox: not checked yet\n");

            checks.runChecks();
            assertThat(get(server, "/readyz").body())
                    .isEqualTo("redis: Redis at redis://h:6379 is unreachable: Connection refused\nsandbox: bwrap is missing\n");
            assertThat(get(server, "/healthz").statusCode()).as("alive, only not ready").isEqualTo(200);

            redis.set(null);
            checks.add("sandbox", () -> null).runChecks();
            HttpResponse<String> ready = get(server, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ok\n");

            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.body()).isEqualTo("m 1\n");
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue(OpsServer.PROMETHEUS_TEXT);
            assertThat(get(server, "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aStalledLoopFailsHealthz() throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1:0", () -> "", () -> Map.of("dispatcher", Duration.ofMinutes(5)),
                new ReadinessChecks(), Duration.ofSeconds(90))) {
            HttpResponse<String> r = get(server, "/healthz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo("the dispatcher loop has not turned for 5m (limit 1m 30s)\n");
        }
    }

    @Test
    void aBusyAddressIsAClearConfigurationError() {
        ReadinessChecks checks = new ReadinessChecks();
        try (OpsServer first = OpsServer.start("127.0.0.1:0", () -> "", Map::of, checks, Duration.ofSeconds(90))) {
            String taken = "127.0.0.1:" + first.address().getPort();
            assertThatThrownBy(() -> OpsServer.start(taken, () -> "", Map::of, checks, Duration.ofSeconds(90)))
                    .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("HTTP_ADDRESS " + taken + " cannot be used: ")
                    .hasMessageEndingWith("(is another process listening there?)");
        }
    }
}
