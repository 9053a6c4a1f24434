package io.repobox.runner.secrets;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What lets another process on this host read the runner's memory, where the runner holds
 * ENCRYPTION_KEY, the Redis password and every running job's token.
 *
 * <p>Two doors are checked: the JVM's attach mechanism (jcmd, jmap, jstack: any process of the
 * same user can ask the JVM for a heap dump unless it was started with
 * {@code -XX:+DisableAttachMechanism}), and ptrace ({@code /proc/PID/mem}, gdb): with Yama's
 * {@code kernel.yama.ptrace_scope} at 1 or more, a process may trace only its own descendants, so
 * an agent (the runner's descendant) cannot trace the runner. Java cannot mark itself
 * non-dumpable ({@code PR_SET_DUMPABLE}); the sandbox's own PID namespace is what hides the runner
 * from an agent altogether.
 */
public final class ProcessExposure {

    private ProcessExposure() {
    }

    /** One sentence per open door, saying how to close it; empty when both are closed. */
    public static List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (attachEnabled()) {
            warnings.add("the JVM accepts attach requests (jcmd, jmap): a process of the runner's user could dump its memory, "
                    + "secrets included; start it with java -XX:+DisableAttachMechanism (as scripts/runner-app does)");
        }
        String scope = ptraceScope(Path.of("/proc/sys/kernel/yama/ptrace_scope"));
        if (scope.equals("0") || scope.isEmpty()) {
            warnings.add("kernel.yama.ptrace_scope is " + (scope.isEmpty() ? "not available (no Yama)" : "0")
                    + ": without the sandbox (SANDBOX=none) an agent running as the runner's user could read the runner's memory; "
                    + "set it to 1 (sysctl kernel.yama.ptrace_scope=1) or keep the sandbox on");
        }
        return warnings;
    }

    /** Whether the JVM's attach mechanism is on. */
    public static boolean attachEnabled() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot == null || !Boolean.parseBoolean(hotspot.getVMOption("DisableAttachMechanism").getValue());
        } catch (RuntimeException e) {
            return true; // not a HotSpot JVM: assume the worst
        }
    }

    static String ptraceScope(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
