package io.repobox.output.redis.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.output.redis.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The documented SSE example serves, follows and resumes a job's output. */
class SseOutputServerIT {

    @Test
    void servesTheOutputAsServerSentEventsAndResumesAfterLastEventId() throws Exception {
        try (TestRedis redis = TestRedis.startPersistent();
             RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(redis.url()).build());
             SseOutputServer server = new SseOutputServer(output, 0)) {
            String job = UUID.randomUUID().toString();
            RedisOutputSink sink = output.openSink(job);
            sink.accept(OutputLine.agentStdout("first \"quoted\""));
            sink.accept(OutputLine.agentStderr("second"));
            sink.accept(OutputLine.runner("third"));
            sink.end("success");

            List<String> all = events(server, job, null);
            assertThat(all).hasSize(4);
            assertThat(all.get(0)).matches("id: \\d+-\\d+\nevent: line\ndata: \\{\"timestamp\":\\d+,\"stream\":\"stdout\",\"source\":\"agent\",\"line\":\"first \\\\\"quoted\\\\\"\"}");
            assertThat(all.get(3)).endsWith("event: end\ndata: {\"status\":\"success\"}");

            String firstId = all.get(0).substring(4, all.get(0).indexOf('\n'));
            List<String> resumed = events(server, job, firstId);
            assertThat(resumed).containsExactlyElementsOf(all.subList(1, 4));
        }
    }

    private static List<String> events(SseOutputServer server, String job, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/jobs/" + job + "/output"))
                .timeout(Duration.ofSeconds(60));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        String body = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        return Arrays.stream(body.split("\n\n")).filter(e -> !e.isBlank() && !e.startsWith(":")).toList();
    }
}
