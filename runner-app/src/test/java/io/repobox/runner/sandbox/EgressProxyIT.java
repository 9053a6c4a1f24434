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
            Channels.newInputStream(c).transferTo(out);
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
        assertThat(received).containsExactly("GET /v1/models?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("GET /V1/MODELS");
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
