package io.repobox.runner.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's only way out of its network namespace: an HTTP proxy on a Unix socket that the sandbox
 * sees (bridged to a loopback port inside). It allows {@code CONNECT host:port} (HTTPS and any TLS)
 * and plain {@code http://} requests to the hosts of its rules, and refuses everything else with a
 * 403 whose text, also handed to {@code refusals} once per host, names the setting that would allow it.
 *
 * <p>Names are resolved here, not inside. An allowed name that resolves to a loopback, link-local
 * (the cloud metadata address) or wildcard address is refused unless the rule itself names such an
 * address, so an allowed name cannot be pointed at Redis or the metadata service. A request for
 * another host on a kept-alive connection cannot slip through: plain HTTP requests are sent with
 * {@code Connection: close} and the {@code Host} header of their URL (never the client's own), and
 * one connection serves one target.
 */
public final class EgressProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EgressProxy.class);
    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private static final int MAX_CONNECTIONS = 128;
    private static final int CONNECT_TIMEOUT_MS = 15_000;
    private static final AtomicInteger THREAD_COUNT = new AtomicInteger();
    /** Shared by every job's proxy; each connection holds at most two threads while it lasts. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "repobox-egress-" + THREAD_COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Path socket;
    private final List<HostRule> rules;
    private final Consumer<String> refusals;
    private final ServerSocketChannel server;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private EgressProxy(Path socket, List<HostRule> rules, Consumer<String> refusals, ServerSocketChannel server) {
        this.socket = socket;
        this.rules = List.copyOf(rules);
        this.refusals = refusals;
        this.server = server;
    }

    /** Serves the proxy on a new Unix socket at {@code socket} (which must not exist). */
    public static EgressProxy start(Path socket, List<HostRule> rules, Consumer<String> refusals) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot serve the egress proxy at " + socket + ": " + e.getMessage(), e);
        }
        EgressProxy proxy = new EgressProxy(socket, rules, refusals, server);
        THREADS.execute(proxy::acceptLoop);
        return proxy;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Egress proxy at {} stopped accepting: {}", socket, e.toString());
                }
                return;
            }
            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                connections.decrementAndGet();
                answer(client, "503 Service Unavailable", "The sandbox allows " + MAX_CONNECTIONS + " connections at once.");
                closeQuietly(client);
                continue;
            }
            open.add(client);
            THREADS.execute(() -> {
                try {
                    serve(client);
                } finally {
                    open.remove(client);
                    closeQuietly(client);
                    connections.decrementAndGet();
                }
            });
        }
    }

    private void serve(SocketChannel client) {
        InputStream in = input(client);
        OutputStream out = output(client);
        ProxyRequest request;
        try {
            request = ProxyRequest.read(in, MAX_HEAD_BYTES);
        } catch (IOException e) {
            return; // the client went away or sent no request
        }
        if (request == null) {
            answer(client, "400 Bad Request", "The sandbox's proxy takes CONNECT host:port or an http:// URL.");
            return;
        }
        Optional<HostRule> rule = rules.stream().filter(r -> r.allows(request.host(), request.port())).findFirst();
        if (rule.isEmpty()) {
            refuse(client, request, "it is not an allowed host. To allow it, add it to SANDBOX_ALLOWED_HOSTS or to the "
                    + "environment's allowed_hosts");
            return;
        }
        Socket upstream;
        try {
            upstream = connect(request, rule.get());
        } catch (RefusedAddress e) {
            refuse(client, request, e.getMessage());
            return;
        } catch (IOException e) {
            answer(client, "502 Bad Gateway", "Connecting to " + request.target() + " failed: " + e.getMessage());
            return;
        }
        open.add(upstream);
        try (upstream) {
            OutputStream up = upstream.getOutputStream();
            if (request.connect()) {
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } else {
                up.write(request.forwardedHead());
            }
            up.write(request.rest());
            up.flush();
            InputStream down = upstream.getInputStream();
            var back = THREADS.submit(() -> pump(down, out, () -> client.shutdownOutput()));
            pump(in, up, upstream::shutdownOutput);
            back.get();
        } catch (Exception e) {
            log.debug("Egress proxy: connection to {} ended: {}", request.target(), e.toString());
        } finally {
            open.remove(upstream);
        }
    }

    /** What ends one direction of a connection. */
    private interface HalfClose {
        void close() throws IOException;
    }

    /** Copies until end of input; then half-closes the receiving side, so a tunnel ends cleanly in both directions. */
    private static Void pump(InputStream from, OutputStream to, HalfClose done) {
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // either side closed; the other pump ends too once its side is closed below
        }
        try {
            done.close();
        } catch (IOException e) {
            // already closed
        }
        return null;
    }

    private static final class RefusedAddress extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedAddress(String message) {
            super(message);
        }
    }

    private Socket connect(ProxyRequest request, HostRule rule) throws IOException {
        InetAddress[] addresses = InetAddress.getAllByName(request.host());
        IOException last = null;
        for (InetAddress address : addresses) {
            if (isLocal(address) && !rule.namesLocalAddress()) {
                last = new RefusedAddress("it resolves to the local address " + address.getHostAddress()
                        + ", which the sandbox never reaches unless the allowed host names that address itself");
                continue;
            }
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, request.port()), CONNECT_TIMEOUT_MS);
                return s;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        throw last != null ? last : new IOException("no address for " + request.host());
    }

    static boolean isLocal(InetAddress a) {
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress();
    }

    private void refuse(SocketChannel client, ProxyRequest request, String why) {
        String message = "The sandbox refused a connection to " + request.target() + ": " + why + ".";
        if (reported.add(request.target())) {
            try {
                refusals.accept(message);
            } catch (RuntimeException e) {
                log.debug("Could not report a refused host: {}", e.toString());
            }
        }
        answer(client, "403 Forbidden", message);
    }

    private static void answer(SocketChannel client, String status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try {
            OutputStream out = output(client);
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client is gone
        }
    }

    /**
     * A stream that reads the channel directly. Not {@code Channels.newInputStream}: its streams of
     * one channel share a lock, so a tunnel that reads and writes at once would wait on itself.
     */
    private static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                while ((n = read(one, 0, 1)) == 0) {
                    Thread.onSpinWait();
                }
                return n < 0 ? -1 : one[0] & 0xff;
            }
        };
    }

    private static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
    }

    /** Stops serving, ends every connection and removes the socket. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(EgressProxy::closeQuietly);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.debug("Could not remove {}: {}", socket, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
