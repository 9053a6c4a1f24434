package io.repobox.runner.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** What a runner says about itself in its heartbeat and its metrics. */
public final class BuildInfo {

    private BuildInfo() {
    }

    /** The runner's version from its jar's manifest, or "development" when run from classes. */
    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** This host's name, or "unknown". */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
