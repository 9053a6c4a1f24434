package io.repobox.agent.codex;

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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the OpenAI Responses API on 127.0.0.1, for driving the real Codex CLI:
 * {@code POST {base}/responses} is answered with server-sent events (response.created,
 * response.output_item.done carrying an assistant message or an {@code exec_command} function call,
 * response.completed with usage). A test queues the answers; once the queue is empty the answer is
 * "Done.". Every request body is kept for assertions.
 */
public final class FakeResponsesApi implements AutoCloseable {

    public sealed interface Reply permits Text, Command, HttpError {
    }

    public record Text(String text) implements Reply {
    }

    /** An {@code exec_command} call: the CLI runs {@code cmd} (a file edit is an apply_patch here-document). */
    public record Command(String cmd) implements Reply {
    }

    public record HttpError(int status, String message) implements Reply {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final Queue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Reply always;

    public FakeResponsesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** The base URL to give as AI_BASE_URL (the CLI posts to {@code <base>/responses}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public FakeResponsesApi then(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** Every request gets {@code reply}. */
    public FakeResponsesApi always(Reply reply) {
        this.always = reply;
        return this;
    }

    public List<JsonNode> requests() {
        return requests;
    }

    /** The text of the last user message of the first request: the prompt as the API received it. */
    public String receivedPrompt() {
        String prompt = null;
        for (JsonNode item : requests.get(0).path("input")) {
            if (item.path("role").asText().equals("user")) {
                prompt = item.path("content").get(0).path("text").asText();
            }
        }
        return prompt;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().endsWith("/responses")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            requests.add(JSON.readTree(exchange.getRequestBody()));
            Reply reply = always != null ? always : replies.poll();
            if (reply == null) {
                reply = new Text("Done.");
            }
            if (reply instanceof HttpError error) {
                byte[] bytes = JSON.createObjectNode().set("error", JSON.createObjectNode().put("message", error.message())
                        .put("type", "invalid_request_error")).toString().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("content-type", "application/json");
                exchange.sendResponseHeaders(error.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
                return;
            }
            exchange.getResponseHeaders().set("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            String id = "resp_" + ids.incrementAndGet();
            event(out, "response.created", JSON.createObjectNode().put("type", "response.created")
                    .set("response", JSON.createObjectNode().put("id", id)));
            ObjectNode item = JSON.createObjectNode();
            if (reply instanceof Command command) {
                item.put("type", "function_call").put("name", "exec_command").put("call_id", "call_" + ids.incrementAndGet())
                        .put("arguments", JSON.createObjectNode().put("cmd", command.cmd()).toString());
            } else {
                item.put("type", "message").put("role", "assistant").put("id", "msg_" + ids.incrementAndGet())
                        .putArray("content").addObject().put("type", "output_text").put("text", ((Text) reply).text());
            }
            event(out, "response.output_item.done", JSON.createObjectNode().put("type", "response.output_item.done").set("item", item));
            ObjectNode completed = JSON.createObjectNode().put("type", "response.completed");
            ObjectNode usage = completed.putObject("response").put("id", id).putObject("usage");
            usage.put("input_tokens", 100).put("output_tokens", 12).put("total_tokens", 112);
            usage.putObject("input_tokens_details").put("cached_tokens", 40);
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            event(out, "response.completed", completed);
        }
    }

    private static void event(OutputStream out, String name, JsonNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
