package io.repobox.runner.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name for the default RUNNER_ID. */
final class Hosts {

    private Hosts() {
    }

    /** runner-&lt;host&gt;; the kernel's host name is read first because a name lookup can take seconds. */
    static String defaultRunnerId() {
        String host = null;
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                host = Files.readString(kernel).trim();
            }
        } catch (IOException e) {
            host = null;
        }
        if (host == null || host.isEmpty()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown";
            }
        }
        return "runner-" + host.replaceAll("[^A-Za-z0-9_.:-]", "-");
    }
}
