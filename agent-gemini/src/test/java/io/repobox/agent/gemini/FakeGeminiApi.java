package io.repobox.agent.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Gemini API on 127.0.0.1, for driving the real Gemini CLI:
 * {@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse} (with {@code x-goog-api-key}) is
 * answered with {@code data: {"candidates":[…],"usageMetadata":{…}}} lines carrying text or function
 * calls; side {@code :generateContent} calls get a plain JSON answer. A test queues the streamed
 * answers; once the queue is empty the answer is "Done.". Requests are kept for assertions.
 */
public final class FakeGeminiApi implements AutoCloseable {

    public sealed interface Reply permits Text, Calls, HttpError {
    }

    public record Text(String text) implements Reply {
    }

    /** Function calls, e.g. write_file {file_path, content} and run_shell_command {command}. */
    public record Calls(List<Map<String, Object>> calls) implements Reply {
        public static Calls of(String name, Map<String, Object> args) {
            return new Calls(List.of(Map.of("name", name, "args", args)));
        }
    }

    public record HttpError(int status, String message) implements Reply {
    }

    public record Request(String path, String apiKey, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private volatile Reply always;

    public FakeGeminiApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeGeminiApi then(Reply reply) {
        replies.add(reply);
        return this;
    }

    public FakeGeminiApi always(Reply reply) {
        this.always = reply;
        return this;
    }

    public List<Request> requests() {
        return requests;
    }

    /** The text the first streamed request sent as the user's first turn: the prompt as the API received it. */
    public String receivedPrompt() {
        for (Request r : requests) {
            if (r.path().contains(":streamGenerateContent")) {
                // The CLI puts its <session_context> part before the user's text.
                StringBuilder out = new StringBuilder();
                for (JsonNode part : r.body().path("contents").get(0).path("parts")) {
                    if (!part.path("text").asText("").startsWith("<session_context>")) {
                        out.append(part.path("text").asText(""));
                    }
                }
                return out.toString();
            }
        }
        return null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("POST") || !path.startsWith("/v1beta/models/")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(new Request(path, exchange.getRequestHeaders().getFirst("x-goog-api-key"), body));
            boolean stream = path.endsWith(":streamGenerateContent");
            Reply reply = always != null ? always : stream ? replies.poll() : null;
            if (reply instanceof HttpError error) {
                ObjectNode e = JSON.createObjectNode();
                e.putObject("error").put("code", error.status()).put("message", error.message()).put("status", "ERROR");
                send(exchange, error.status(), "application/json", e.toString());
                return;
            }
            ObjectNode answer = JSON.createObjectNode();
            ObjectNode candidate = answer.putArray("candidates").addObject();
            ArrayNode parts = candidate.putObject("content").put("role", "model").putArray("parts");
            candidate.put("finishReason", "STOP").put("index", 0);
            answer.putObject("usageMetadata").put("promptTokenCount", 100).put("candidatesTokenCount", 10).put("totalTokenCount", 110);
            if (!stream) {
                // Side calls (routing, next-speaker checks) want JSON text; a neutral answer serves them.
                parts.addObject().put("text", "{\"next_speaker\": \"user\", \"reasoning\": \"done\"}");
                send(exchange, 200, "application/json", answer.toString());
                return;
            }
            if (reply instanceof Calls calls) {
                for (Map<String, Object> call : calls.calls()) {
                    parts.addObject().set("functionCall", JSON.valueToTree(call));
                }
            } else {
                parts.addObject().put("text", reply == null ? "Done." : ((Text) reply).text());
            }
            send(exchange, 200, "text/event-stream", "data: " + answer + "\r\n\r\n");
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
