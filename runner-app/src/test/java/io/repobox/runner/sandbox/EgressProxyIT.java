package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egress proxy with real sockets: a Unix socket in front, a real server behind. */
class EgressProxyIT {

    @TempDir
    Path dir;

    ServerSocket upstream;
    EgressProxy proxy;
    final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    final List<String> received = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "upstream");
        t.setDaemon(true);
        t.start();
        proxy = EgressProxy.start(dir.resolve("p.sock"), List.of(HostRule.parse("127.0.0.1:" + upstream.getLocalPort(), "AI_BASE_URL"),
                HostRule.parse("*.example.org", "SANDBOX_ALLOWED_HOSTS")), refusals::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
        upstream.close();
    }

    /** Echoes what it reads back in upper case, one read at a time, and remembers the request heads. */
    private void serve() {
        while (!upstream.isClosed()) {
            try (Socket s = upstream.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    received.add(text);
                    s.getOutputStream().write(text.toUpperCase().getBytes(StandardCharsets.ISO_8859_1));
                    if (text.contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }
    }

    private String exchange(String request) throws Exception {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(dir.resolve("p.sock")));
            c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            c.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                Channels.newInputStream(c).transferTo(out);
            } catch (java.net.SocketException e) {
                // the proxy closed a connection whose request it did not read to the end
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void tunnelsToAnAllowedHostAndPort() throws Exception {
        String reply = exchange("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\nHost: x\r\n\r\nhello tunnel\r\n\r\n");
        assertThat(reply).isEqualTo("HTTP/1.1 200 Connection Established\r\n\r\nHELLO TUNNEL\r\n\r\n");
        assertThat(refusals).isEmpty();
    }

    @Test
    void forwardsPlainHttpInOriginFormWithoutProxyHeadersAndClosesAfterIt() throws Exception {
        String reply = exchange("GET http://127.0.0.1:" + upstream.getLocalPort() + "/v1/models?x=1 HTTP/1.1\r\nHost: h\r\n"
                + "Proxy-Authorization: Basic c2VjcmV0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(received).containsExactly("GET /v1/models?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + upstream.getLocalPort()
                + "\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("GET /V1/MODELS");
    }

    @Test
    void aHostHeaderNamingAnotherSiteIsReplacedByTheAllowedOne() throws Exception {
        // Host-header smuggling: the allowed address, but another virtual host (or site of a shared front end) on it.
        exchange("GET http://127.0.0.1:" + upstream.getLocalPort() + "/ HTTP/1.1\r\nHost: evil.test\r\nhOsT : evil.test\r\n\r\n");
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).doesNotContainIgnoringCase("evil.test").contains("Host: 127.0.0.1:" + upstream.getLocalPort() + "\r\n");
    }

    @Test
    void loopbackSpellingsAndAnAllowedNameWithATrailingDotOrAnotherPortAreRefused() throws Exception {
        for (String target : List.of("127.1", "2130706433", "0x7f000001", "0177.0.0.1", "localhost", "localhost.", "[::1]",
                "[::ffff:127.0.0.1]", "0.0.0.0", "127.0.0.1.")) {
            assertThat(exchange("CONNECT " + target + ":" + upstream.getLocalPort() + " HTTP/1.1\r\n\r\n")).as(target)
                    .startsWith("HTTP/1.1 403 Forbidden");
        }
        assertThat(exchange("CONNECT 127.0.0.1:" + (upstream.getLocalPort() == 65535 ? 1 : upstream.getLocalPort() + 1)
                + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(exchange("CONNECT api.example.org.:443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(exchange("CONNECT example.org:443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(exchange("CONNECT api.example.org:8443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(received).isEmpty();
    }

    @Test
    void aClientThatNeverFinishesItsHeadHoldsNoOtherJobsProxy() throws Exception {
        // Slowloris against one job's proxy: all its connections held open with half a request head.
        List<SocketChannel> held = new ArrayList<>();
        try {
            for (int i = 0; i < 140; i++) {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(dir.resolve("p.sock")));
                c.write(ByteBuffer.wrap("CONNECT 127.0.0.1:1 HTTP/1.1\r\nX: ".getBytes(StandardCharsets.ISO_8859_1)));
                held.add(c);
            }
            try (EgressProxy other = EgressProxy.start(dir.resolve("q.sock"), List.of(HostRule.parse("127.0.0.1:" + upstream.getLocalPort(),
                    "AI_BASE_URL")), refusals::add); SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(dir.resolve("q.sock")));
                c.write(ByteBuffer.wrap(("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\n\r\nping\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)));
                c.shutdownOutput();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Channels.newInputStream(c).transferTo(out);
                assertThat(out.toString(StandardCharsets.ISO_8859_1)).endsWith("PING\r\n\r\n");
            }
            received.clear();
            // The held job's proxy itself answers past its limit with 503 rather than hanging.
            assertThat(exchange("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\n\r\n")).doesNotContain("200");
            assertThat(received).isEmpty();
        } finally {
            for (SocketChannel c : held) {
                c.close();
            }
        }
    }

    @Test
    void aHugeRequestHeadIsRefusedNotBuffered() throws Exception {
        assertThat(exchange("CONNECT 127.0.0.1:" + upstream.getLocalPort() + " HTTP/1.1\r\nX: " + "a".repeat(60_000) + "\r\n\r\n"))
                .doesNotContain("200");
        assertThat(received).isEmpty();
    }

    @Test
    void refusesOtherHostsAndPortsNamingTheSettingOncePerHost() throws Exception {
        String reply = exchange("CONNECT evil.test:443 HTTP/1.1\r\n\r\n");
        exchange("CONNECT evil.test:443 HTTP/1.1\r\n\r\n");
        String redis = exchange("CONNECT 127.0.0.1:6379 HTTP/1.1\r\n\r\n");
        String metadata = exchange("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 403 Forbidden").contains("The sandbox refused a connection to evil.test:443: it is not an "
                + "allowed host. To allow it, add it to SANDBOX_ALLOWED_HOSTS or to the environment's allowed_hosts.");
        assertThat(redis).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(metadata).startsWith("HTTP/1.1 403 Forbidden");
        assertThat(refusals).hasSize(3).allMatch(r -> r.startsWith("The sandbox refused a connection to "));
        assertThat(received).isEmpty();
    }

    @Test
    void rejectsWhatIsNotAProxyRequest() throws Exception {
        assertThat(exchange("GET /relative HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(exchange("GET https://x.example.org/ HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request");
    }

    @Test
    void localAddressesAreRecognised() throws Exception {
        assertThat(EgressProxy.isLocal(InetAddress.getByName("169.254.169.254"))).isTrue();
        assertThat(EgressProxy.isLocal(InetAddress.getByName("127.0.0.53"))).isTrue();
        assertThat(EgressProxy.isLocal(InetAddress.getByName("0.0.0.0"))).isTrue();
        assertThat(EgressProxy.isLocal(InetAddress.getByName("93.184.216.34"))).isFalse();
    }
}
