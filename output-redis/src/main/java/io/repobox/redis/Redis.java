package io.repobox.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.DefaultEventPublisherOptions;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Turns a REDIS_URL into Lettuce connections: standalone ({@code redis://}, {@code rediss://},
 * {@code redis-socket://}), Sentinel ({@code redis-sentinel://h1:26379,h2:26379/0#mymaster}) and
 * Cluster ({@code redis-cluster://h1:7000,h2:7001}, {@code rediss-cluster://…}: the seed nodes).
 * The one place where Lettuce clients are made; thread-safe.
 */
public final class Redis implements AutoCloseable {

    /**
     * A connection and its commands, whichever kind of server is behind it. Commands are sent through
     * the asynchronous API, and {@link #call} waits for one reply: Lettuce's synchronous API is a proxy
     * class that the JVM generates for some 450 methods on first use, about 80 ms of every process's
     * start-up, which the runner's short commands cannot afford.
     */
    public record Connection(StatefulConnection<String, String> stateful, RedisClusterAsyncCommands<String, String> async)
            implements AutoCloseable {

        /**
         * Sends one command and waits for its reply, as Lettuce's synchronous API does: within the
         * connection's timeout (the command is cancelled when it passes), with the server's error
         * thrown as a {@link io.lettuce.core.RedisCommandExecutionException} and a timeout as a
         * {@link io.lettuce.core.RedisCommandTimeoutException}.
         *
         * <pre>{@code Map<String, String> job = connection.call(c -> c.hgetall("job:" + id));}</pre>
         */
        public <T> T call(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
            return LettuceFutures.awaitOrCancel(command.apply(async), stateful.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void close() {
            stateful.close();
        }
    }

    /** Resources built by {@link #prepare()} that the next {@code create} takes over. */
    private static final AtomicReference<ClientResources> PREPARED = new AtomicReference<>();

    private final String safeUrl;
    private final Duration commandTimeout;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final RedisURI uri;

    private Redis(String url, Duration commandTimeout) {
        this.safeUrl = redact(url);
        this.commandTimeout = commandTimeout;
        // The URL first: a URL the client refuses must not leave resources (threads, a timer) behind.
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")) : "";
        boolean cluster = scheme.equals("redis-cluster") || scheme.equals("rediss-cluster");
        List<RedisURI> seeds = cluster ? clusterSeeds(url, scheme.startsWith("rediss") ? "rediss" : "redis") : List.of();
        RedisURI uri = null;
        if (!cluster) {
            try {
                uri = withoutClientInfo(RedisURI.create(url));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("REDIS_URL " + safeUrl + " is not a Redis URL: " + e.getMessage());
            }
        }
        this.uri = uri;
        ClientResources ready = PREPARED.getAndSet(null);
        this.resources = ready != null ? ready : newResources();
        // Each connection's own timeout applies (see connect): the output writer uses a short one.
        TimeoutOptions timeouts = TimeoutOptions.enabled();
        SocketOptions socket = SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).keepAlive(true).build();
        if (cluster) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, seeds);
            clusterClient.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts).socketOptions(socket)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
                    .build());
        } else {
            this.client = new LazySyncClient(resources, uri);
            this.clusterClient = null;
            client.setOptions(ClientOptions.builder().timeoutOptions(timeouts).socketOptions(socket).build());
        }
    }

    /**
     * Builds the client's resources (event loop groups, timer, event bus) ahead of the first
     * {@link #create}, which then takes them over: a command-line program calls it on another thread
     * while it parses its arguments, so that the set-up overlaps with work that does not need Redis.
     * Resources that no {@code create} takes are never started (their threads start on first use).
     */
    public static void prepare() {
        ClientResources built = newResources();
        if (!PREPARED.compareAndSet(null, built)) {
            var unused = built.shutdown(0, 0, TimeUnit.SECONDS);
        }
    }

    private static ClientResources newResources() {
        // Reconnect quickly after an outage (Lettuce's default backoff grows to 30 s): output is live.
        // No command latency statistics: nothing here reads them, and their collector loads HdrHistogram
        // and starts a pause-detector thread in every process, a cost every short CLI command paid.
        return DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .commandLatencyPublisherOptions(DefaultEventPublisherOptions.disabled())
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS)).build();
    }

    /** A connector for {@code url}; connects nothing yet. */
    public static Redis create(String url, Duration commandTimeout) {
        return new Redis(url, commandTimeout);
    }

    /** How long the commands of a connection from {@link #connect()} may take. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Opens a new connection whose commands time out after the connector's command timeout. */
    public Connection connect() {
        return connect(commandTimeout);
    }

    /** Opens a new connection whose commands time out after {@code timeout}. */
    public Connection connect(Duration timeout) {
        return connectAll(timeout).get(0);
    }

    /**
     * Opens one connection per timeout, all at once: their handshakes overlap instead of following one
     * another (a runner opens several as it starts). Fails with the first failure (Lettuce's
     * {@code RedisConnectionException}, as its own connect throws), and then leaves none of them open.
     */
    public List<Connection> connectAll(Duration... timeouts) {
        List<CompletableFuture<Connection>> pending = new ArrayList<>();
        for (Duration timeout : timeouts) {
            pending.add(connectAsync(timeout));
        }
        List<Connection> open = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<Connection> connection : pending) {
            try {
                open.add(connection.join());
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
                if (failure == null) {
                    failure = cause;
                } else if (failure != cause) {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            open.forEach(Connection::close);
            throw failure;
        }
        return open;
    }

    private CompletableFuture<Connection> connectAsync(Duration timeout) {
        if (clusterClient != null) {
            clusterClient.getPartitions(); // the topology, once (connect() loads it too): an async connect needs it first
            return clusterClient.connectAsync(StringCodec.UTF8).thenApply(c -> {
                c.setTimeout(timeout);
                return new Connection(c, c.async());
            });
        }
        return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture().thenApply(c -> {
            c.setTimeout(timeout);
            return new Connection(c, c.async());
        });
    }

    /** The URL without credentials, for messages and logs. */
    public String safeUrl() {
        return safeUrl;
    }

    @Override
    public void close() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (clusterClient != null) {
            clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        // Waited for: the event loops' threads sit in native code (epoll) until they end, and a JVM
        // that exits while any thread is in native code waits up to 300 ms for it.
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /**
     * Without the library's name and version, which Lettuce otherwise sends on every new connection
     * (two CLIENT SETINFO commands after the handshake, waited for): a server before 7.2 refuses both,
     * and that was a round trip and two exceptions per connection, on a short command's critical path.
     */
    private static RedisURI withoutClientInfo(RedisURI uri) {
        uri.setLibraryName("");
        uri.setLibraryVersion("");
        return uri;
    }

    private static List<RedisURI> clusterSeeds(String url, String plainScheme) {
        String rest = url.substring(url.indexOf("://") + 3);
        String userInfo = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        int end = indexOfAny(rest, "/?#");
        String hosts = end < 0 ? rest : rest.substring(0, end);
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                continue;
            }
            seeds.add(withoutClientInfo(RedisURI.create(plainScheme + "://" + (userInfo == null ? "" : userInfo + "@") + host.trim())));
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("REDIS_URL " + redact(url) + " names no cluster node");
        }
        return seeds;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The message of an error's innermost cause: Lettuce wraps the one worth showing (connection
     * refused, NOAUTH, a timeout) several levels deep. A TLS server whose certificate the JVM cannot
     * trust gets the remedy too: the JDK's own words ("unable to find valid certification path")
     * tell a person neither what is wrong nor what to do.
     */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.security.cert.CertPathBuilderException) {
            return "the server's TLS certificate is not signed by a CA this JVM trusts (" + message
                    + "); give the JVM a truststore that holds that CA (-Djavax.net.ssl.trustStore=FILE)";
        }
        if (t instanceof java.security.InvalidAlgorithmParameterException && message.contains("trustAnchors")) {
            return "the JVM's truststore holds no certificate it can read (" + message
                    + "); check -Djavax.net.ssl.trustStore and -Djavax.net.ssl.trustStorePassword";
        }
        return message;
    }

    /**
     * Whether a failed command's error is one retrying cannot fix (the key holds another type,
     * scripting is disabled, …), as opposed to a connection problem, a timeout, or a server that is
     * loading, busy, failing over or redirecting.
     *
     * @param cause   the command's exception (null if only the message is known)
     * @param message the server's error message
     */
    public static boolean isPermanent(Throwable cause, String message) {
        if (cause != null && !(cause instanceof io.lettuce.core.RedisCommandExecutionException)) {
            return false;
        }
        for (String retryable : List.of("LOADING", "BUSY", "OOM", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "MOVED", "ASK", "GAP")) {
            if (message.startsWith(retryable)) {
                return false;
            }
        }
        return true;
    }

    /** {@code url} with any password replaced by {@code ***}. */
    public static String redact(String url) {
        try {
            int schemeEnd = url.indexOf("://");
            int at = url.lastIndexOf('@');
            if (schemeEnd < 0 || at < schemeEnd) {
                return url;
            }
            String userInfo = url.substring(schemeEnd + 3, at);
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? "" : userInfo.substring(0, colon);
            return url.substring(0, schemeEnd + 3) + (user.isEmpty() ? "" : user) + ":***@" + url.substring(at + 1);
        } catch (RuntimeException e) {
            return URI.class.getSimpleName() + "(unparseable)";
        }
    }
}
