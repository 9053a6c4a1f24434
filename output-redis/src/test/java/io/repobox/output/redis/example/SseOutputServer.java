package io.repobox.output.redis.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.repobox.output.redis.OutputCursor;
import io.repobox.output.redis.OutputEntry;
import io.repobox.output.redis.RedisOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The worked example of docs/redis-output.md: a job's output served as Server-Sent Events from a
 * JVM web service (here the JDK's own HTTP server). {@code GET /jobs/{id}/output} replays the
 * stream, follows it live, resumes after {@code Last-Event-ID}, and ends after the end marker.
 */
public final class SseOutputServer implements AutoCloseable {

    private final RedisOutput output;
    private final HttpServer server;

    public SseOutputServer(RedisOutput output, int port) throws IOException {
        this.output = output;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/jobs/", this::serve);
        server.setExecutor(Executors.newCachedThreadPool()); // one thread per open stream
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/"); // "", "jobs", id, "output"
        if (parts.length != 4 || !parts[3].equals("output") || !parts[2].matches("[A-Za-z0-9-]{1,64}")) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String resumeAfter = exchange.getRequestHeaders().getFirst("Last-Event-ID"); // null: from the start
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody(); OutputCursor cursor = output.follow(parts[2], resumeAfter)) {
            while (!cursor.isEnded()) {
                var entries = cursor.poll(Duration.ofSeconds(15));
                if (entries.isEmpty()) {
                    body.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8)); // also detects a gone client
                }
                for (OutputEntry e : entries) {
                    body.write(event(e).getBytes(StandardCharsets.UTF_8));
                }
                body.flush();
            }
        } catch (IOException clientWentAway) {
            // The browser reconnects with Last-Event-ID and resumes where it left off.
        }
    }

    /** One SSE event: the entry id as the event id, "line" or "end" as the event name, JSON data. */
    static String event(OutputEntry e) {
        String data = e.isEnd()
                ? "{\"status\":" + json(e.status()) + "}"
                : "{\"timestamp\":" + e.timestamp() + ",\"stream\":" + json(e.stream()) + ",\"source\":" + json(e.source())
                        + ",\"line\":" + json(e.line()) + "}";
        return "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + data + "\n\n";
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
