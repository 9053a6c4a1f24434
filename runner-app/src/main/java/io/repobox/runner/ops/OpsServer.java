package io.repobox.runner.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.repobox.agent.output.Durations;
import io.repobox.runner.config.ConfigurationException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' HTTP endpoint of {@code serve} (HTTP_ADDRESS): {@code /healthz} (the process is
 * alive and its loops are turning), {@code /readyz} (it can take jobs: Redis, the consumer group,
 * the agent CLI, the sandbox) and {@code /metrics} (Prometheus text format). Plain text answers:
 * 200 "ok", or 503 with one reason per line. Served by the JDK's HTTP server on one thread.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code address} ({@code host:port}; port 0 picks a free one).
     *
     * @param loopStall how long a loop may go without turning before /healthz fails
     * @throws ConfigurationException if the address is malformed or cannot be bound
     */
    public static OpsServer start(String address, Supplier<String> metrics, Supplier<Map<String, Duration>> loops,
                                  ReadinessChecks readiness, Duration loopStall) {
        InetSocketAddress bind = parse(address);
        HttpServer server;
        try {
            server = HttpServer.create(bind, 16);
        } catch (IOException e) {
            throw new ConfigurationException("HTTP_ADDRESS " + address + " cannot be used: " + e.getMessage()
                    + " (is another process listening there?)");
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "repobox-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/healthz", ex -> answer(ex, () -> liveness(loops.get(), loopStall)));
        server.createContext("/readyz", ex -> answer(ex, readiness::problems));
        server.createContext("/metrics", ex -> {
            if (isGet(ex)) {
                send(ex, 200, PROMETHEUS_TEXT, metrics.get());
            }
        });
        server.createContext("/", ex -> send(ex, 404, "text/plain; charset=utf-8", "Not found: try /healthz, /readyz or /metrics\n"));
        server.start();
        OpsServer ops = new OpsServer(server);
        log.info("Serving /healthz, /readyz and /metrics on {}", ops.address());
        return ops;
    }

    /** The address the server listens on (with the port it got, when 0 was asked). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    static List<String> liveness(Map<String, Duration> loops, Duration stall) {
        List<String> problems = new ArrayList<>();
        loops.forEach((loop, age) -> {
            if (age.compareTo(stall) > 0) {
                problems.add("the " + loop + " loop has not turned for " + Durations.format(age) + " (limit " + Durations.format(stall) + ")");
            }
        });
        return problems;
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (every interface). */
    static InetSocketAddress parse(String address) {
        String a = address.trim();
        int colon = a.lastIndexOf(':');
        String example = " (for example 0.0.0.0:9090, or 127.0.0.1:9090 to answer on this host only)";
        if (colon < 0) {
            throw new ConfigurationException("HTTP_ADDRESS must be host:port" + example + ", got '" + address + "'");
        }
        String host = a.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(a.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigurationException("HTTP_ADDRESS must end with a port from 0 to 65535" + example + ", got '" + address + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static boolean isGet(HttpExchange ex) throws IOException {
        if (ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().add("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", "Only GET\n");
        return false;
    }

    private static void answer(HttpExchange ex, Supplier<List<String>> problems) throws IOException {
        if (!isGet(ex)) {
            return;
        }
        List<String> p = problems.get();
        send(ex, p.isEmpty() ? 200 : 503, "text/plain; charset=utf-8", p.isEmpty() ? "ok\n" : String.join("\n", p) + "\n");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
