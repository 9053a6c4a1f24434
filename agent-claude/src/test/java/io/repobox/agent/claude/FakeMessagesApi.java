package io.repobox.agent.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1, for driving the real Claude Code CLI:
 * {@code POST /v1/messages} with {@code stream: true} is answered with server-sent events
 * (message_start, content_block_start/delta/stop, message_delta, message_stop). A test scripts the
 * first answer (text, a tool call, or an HTTP error); once a tool result comes back, the answer
 * is a closing text. Every request body is kept for assertions.
 */
final class FakeMessagesApi implements AutoCloseable {

    /** What the first answer of a conversation is. */
    sealed interface Reply permits Text, ToolCall, HttpError {
    }

    record Text(String text) implements Reply {
    }

    record ToolCall(String name, String inputJson) implements Reply {
    }

    record HttpError(int status, String type, String message) implements Reply {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Reply reply = new Text("Hello from the stand-in.");

    FakeMessagesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void reply(Reply first) {
        this.reply = first;
    }

    List<JsonNode> requests() {
        return requests;
    }

    /** The text of the first user message of the first request: the prompt as the API received it. */
    String receivedPrompt() {
        JsonNode content = requests.get(0).path("messages").get(0).path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text") && !part.path("text").asText().startsWith("<system-reminder>")) {
                out.append(part.path("text").asText());
            }
        }
        return out.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/v1/messages")) {
                exchange.sendResponseHeaders(exchange.getRequestMethod().equals("HEAD") ? 200 : 404, -1);
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(body);
            JsonNode messages = body.path("messages");
            boolean toolResultCame = messages.size() > 1 && messages.get(messages.size() - 1).path("content").toString().contains("tool_result");
            Reply answer = toolResultCame ? new Text("Done.") : reply;
            if (answer instanceof HttpError error) {
                byte[] bytes = ("{\"type\":\"error\",\"error\":{\"type\":\"" + error.type() + "\",\"message\":\"" + error.message() + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(error.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            String model = body.path("model").asText("claude-test");
            if (!body.path("stream").asBoolean(false)) {
                writeWhole(exchange, model, answer);
                return;
            }
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            String id = "msg_" + ids.incrementAndGet();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
            String stopReason;
            if (answer instanceof ToolCall call) {
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_" + ids.incrementAndGet() + "\",\"name\":\"" + call.name() + "\",\"input\":{}}}");
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", call.inputJson());
                event(out, "content_block_delta", delta.toString());
                stopReason = "tool_use";
            } else {
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                delta.putObject("delta").put("type", "text_delta").put("text", ((Text) answer).text());
                event(out, "content_block_delta", delta.toString());
                stopReason = "end_turn";
            }
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    private static void writeWhole(HttpExchange exchange, String model, Reply answer) throws IOException {
        String text = answer instanceof Text t ? t.text() : "ok";
        ObjectNode message = JSON.createObjectNode().put("id", "msg_whole").put("type", "message").put("role", "assistant").put("model", model)
                .put("stop_reason", "end_turn");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        message.putObject("usage").put("input_tokens", 1).put("output_tokens", 1);
        byte[] bytes = message.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
