package io.repobox.runner.sandbox;

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

/**
 * A stand-in for the Anthropic Messages API on 127.0.0.1 for the real Claude Code CLI inside the
 * sandbox: the first answer of a conversation calls the Bash tool with {@code command}, the answer
 * after the tool's result is a closing text. Streamed as server-sent events, as the CLI asks.
 */
final class MessagesStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String command;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    MessagesStandIn(String command) throws IOException {
        this.command = command;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
            boolean toolResult = messages.size() > 1 && messages.get(messages.size() - 1).path("content").toString().contains("tool_result");
            String model = body.path("model").asText("claude-test");
            if (!body.path("stream").asBoolean(false)) {
                ObjectNode message = JSON.createObjectNode().put("id", "msg_whole").put("type", "message").put("role", "assistant")
                        .put("model", model).put("stop_reason", "end_turn");
                message.putArray("content").addObject().put("type", "text").put("text", "ok");
                message.putObject("usage").put("input_tokens", 1).put("output_tokens", 1);
                byte[] bytes = message.toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_" + requests.size() + "\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            String stop;
            if (toolResult) {
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                delta.putObject("delta").put("type", "text_delta").put("text", "Done inside the sandbox.");
                stop = "end_turn";
            } else {
                event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"Bash\",\"input\":{}}}");
                delta.putObject("delta").put("type", "input_json_delta")
                        .put("partial_json", JSON.createObjectNode().put("command", command).put("description", "probe").toString());
                stop = "tool_use";
            }
            event(out, "content_block_delta", delta.toString());
            event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
            event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stop
                    + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}");
            event(out, "message_stop", "{\"type\":\"message_stop\"}");
        }
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
