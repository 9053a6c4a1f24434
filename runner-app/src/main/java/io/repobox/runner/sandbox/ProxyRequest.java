package io.repobox.runner.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The head of one request to the egress proxy: its target, and what to send upstream. */
record ProxyRequest(boolean connect, String host, int port, byte[] forwardedHead, byte[] rest) {

    String target() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Reads one request head; null when it is not a CONNECT or an absolute http:// request. */
    static ProxyRequest read(InputStream in, int max) throws IOException {
        byte[] buf = new byte[max];
        int len = 0;
        int end = -1;
        while (end < 0) {
            if (len == max) {
                return null;
            }
            int n = in.read(buf, len, max - len);
            if (n < 0) {
                throw new IOException("end of input before the request head");
            }
            len += n;
            end = headEnd(buf, len);
        }
        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        byte[] rest = java.util.Arrays.copyOfRange(buf, end, len);
        String[] lines = head.split("\r\n");
        String[] first = lines[0].split(" ");
        if (first.length != 3) {
            return null;
        }
        if (first[0].equals("CONNECT")) {
            HostPort hp = HostPort.parse(first[1], -1);
            return hp == null ? null : new ProxyRequest(true, hp.host(), hp.port(), new byte[0], rest);
        }
        String target = first[1];
        if (!target.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int slash = target.indexOf('/', 7);
        String authority = slash < 0 ? target.substring(7) : target.substring(7, slash);
        String path = slash < 0 ? "/" : target.substring(slash);
        HostPort hp = HostPort.parse(authority.substring(authority.lastIndexOf('@') + 1), 80);
        if (hp == null) {
            return null;
        }
        // The Host header is the URL's own: a different one would reach another site served at the
        // allowed address (a shared front end, a virtual host), past the allowlist.
        String hostHeader = (hp.host().contains(":") ? "[" + hp.host() + "]" : hp.host()) + (hp.port() == 80 ? "" : ":" + hp.port());
        StringBuilder forwarded = new StringBuilder(first[0]).append(' ').append(path).append(' ').append(first[2]).append("\r\n")
                .append("Host: ").append(hostHeader).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].contains(":") ? lines[i].substring(0, lines[i].indexOf(':')).trim().toLowerCase(Locale.ROOT) : "";
            if (!name.startsWith("proxy-") && !name.equals("connection") && !name.equals("keep-alive") && !name.equals("host")
                    && !lines[i].isEmpty()) {
                forwarded.append(lines[i]).append("\r\n");
            }
        }
        forwarded.append("Connection: close\r\n\r\n");
        return new ProxyRequest(false, hp.host(), hp.port(), forwarded.toString().getBytes(StandardCharsets.ISO_8859_1), rest);
    }

    private static int headEnd(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** host:port as written in a request (IPv6 in brackets). */
    record HostPort(String host, int port) {
        static HostPort parse(String text, int defaultPort) {
            String host;
            String port;
            if (text.startsWith("[")) {
                int close = text.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = text.substring(1, close);
                port = close + 1 < text.length() && text.charAt(close + 1) == ':' ? text.substring(close + 2) : null;
            } else {
                int colon = text.lastIndexOf(':');
                host = colon < 0 ? text : text.substring(0, colon);
                port = colon < 0 ? null : text.substring(colon + 1);
            }
            if (host.isEmpty() || !host.matches("[A-Za-z0-9_.:-]+")) {
                return null;
            }
            int p;
            try {
                p = port == null ? defaultPort : Integer.parseInt(port);
            } catch (NumberFormatException e) {
                return null;
            }
            return p < 1 || p > 65535 ? null : new HostPort(host.toLowerCase(Locale.ROOT), p);
        }
    }
}
