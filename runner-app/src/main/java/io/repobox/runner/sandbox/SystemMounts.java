package io.repobox.runner.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The read-only system every sandbox gets: /usr and the top-level library and program
 * directories (as the symlinks they are on merged-/usr systems), and the parts of /etc that
 * programs need to run, resolve names and check certificates. Not /etc as a whole: it holds the
 * host's shadow file, sudoers, SSH host keys and service configuration, and a runner that runs as
 * root maps the sandbox's user onto root outside, so only what is not mounted is out of reach.
 * Not /opt, /srv, /home, /root, /var, /run, /sys or /tmp.
 */
final class SystemMounts {

    private static final List<String> TOP = List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /**
     * Paths under /etc that are configuration every program may read, never credentials: of /etc/ssl
     * and /etc/pki only the certificates and the OpenSSL configuration, not the private keys beside them.
     */
    static final List<String> ETC = List.of("alternatives", "ca-certificates", "ca-certificates.conf", "crypto-policies",
            "debian_version", "gai.conf", "gitconfig", "host.conf", "hostname", "hosts", "inputrc", "ld.so.cache", "ld.so.conf",
            "ld.so.conf.d", "locale.alias", "locale.conf", "localtime", "lsb-release", "mime.types", "nsswitch.conf", "os-release",
            "pki/ca-trust", "pki/tls/certs", "pki/tls/openssl.cnf", "protocols", "resolv.conf", "services", "ssl/certs",
            "ssl/openssl.cnf", "terminfo", "timezone", "xattr.conf");

    private SystemMounts() {
    }

    /** The system mounts for the file system rooted at {@code root} (the host's "/" outside tests). */
    static List<SandboxPolicy.Mount> of(Path root) {
        List<SandboxPolicy.Mount> out = new ArrayList<>();
        for (String name : TOP) {
            Path p = root.resolve(name);
            Path inside = Path.of("/", name);
            try {
                if (Files.isSymbolicLink(p)) {
                    out.add(SandboxPolicy.Mount.symlink(Files.readSymbolicLink(p).toString(), inside));
                } else if (Files.isDirectory(p)) {
                    out.add(SandboxPolicy.Mount.readOnly(p, inside));
                }
            } catch (IOException e) {
                // unreadable: not mounted
            }
        }
        for (String name : ETC) {
            if (Files.exists(root.resolve("etc").resolve(name))) {
                out.add(SandboxPolicy.Mount.readOnly(root.resolve("etc").resolve(name), Path.of("/etc", name)));
            }
        }
        try (Stream<Path> etc = Files.list(root.resolve("etc"))) {
            // java-17-openjdk and the like: a JDK from the distribution needs its configuration.
            etc.filter(p -> p.getFileName().toString().startsWith("java")).sorted()
                    .forEach(p -> out.add(SandboxPolicy.Mount.readOnly(p, Path.of("/etc", p.getFileName().toString()))));
        } catch (IOException e) {
            // no /etc to take from
        }
        return out;
    }
}
