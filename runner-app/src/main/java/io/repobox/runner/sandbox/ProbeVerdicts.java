package io.repobox.runner.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * That a test sandbox succeeded here before, kept between the processes of one user so that a
 * short command ({@code run}) need not try one every time: trying one starts bubblewrap, a shell,
 * socat and prlimit, some 50 ms of processor time in a command that takes well under a second.
 *
 * <p>Only a success is kept, and only for exactly the conditions it was found under (see {@link
 * #conditions}): the same boot of the kernel and the same user-namespace settings, the same user, the
 * same tools (path, size, time and inode of bubblewrap, prlimit and socat), the same runner jar and
 * the same sandbox settings. Any change, and any failure, means a new test. A sandbox that stops
 * working under unchanged conditions fails the job that uses it before the agent runs (bubblewrap
 * cannot start it): a job never runs unconfined because of this, and the caller then {@link #forget()
 * forgets} the verdict, so that the next command tries a sandbox again. {@code serve} keeps nothing:
 * it tries a sandbox at start and every few minutes after.
 *
 * <p>The file must be a regular file of this user with mode 600, in a directory that only this user
 * can write (the user's private cache); anything else is not believed.
 */
public final class ProbeVerdicts {

    private static final Logger log = LoggerFactory.getLogger(ProbeVerdicts.class);
    private static final ProbeVerdicts NONE = new ProbeVerdicts(null);
    private static final String PRIVATE = "rw-------";

    private final Path file;

    private ProbeVerdicts(Path file) {
        this.file = file;
    }

    /** Keeps nothing: every runner tries a sandbox. */
    public static ProbeVerdicts none() {
        return NONE;
    }

    /** Kept in {@code file}, in a directory only this user can write. */
    public static ProbeVerdicts in(Path file) {
        return new ProbeVerdicts(file);
    }

    /** Whether a test sandbox succeeded before under exactly {@code conditions}. */
    boolean succeededUnder(String conditions) {
        if (file == null) {
            return false;
        }
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || !PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)).equals(PRIVATE)
                    || !Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                            .equals(Files.getAttribute(file.getParent(), "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                return false;
            }
            return Files.readString(file, StandardCharsets.UTF_8).equals(conditions);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Remembers that a test sandbox succeeded under {@code conditions} (best effort). */
    void succeeded(String conditions) {
        if (file == null) {
            return;
        }
        Path staging = null;
        try {
            staging = Files.createTempFile(file.getParent(), ".sandbox-verdict-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE)));
            Files.writeString(staging, conditions, StandardCharsets.UTF_8);
            Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            staging = null;
        } catch (IOException | RuntimeException e) {
            log.debug("Could not keep the test sandbox's verdict in {}: {}", file, e.toString());
        } finally {
            if (staging != null) {
                try {
                    Files.deleteIfExists(staging);
                } catch (IOException e) {
                    log.debug("Could not remove {}: {}", staging, e.toString());
                }
            }
        }
    }

    /** Forgets any verdict: the next runner tries a sandbox again (after a job that did not succeed). */
    public void forget() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Could not remove {}: {}", file, e.toString());
        }
    }

    /**
     * What a test sandbox's verdict depends on, as text: this boot of the kernel and its user-namespace
     * settings, the user, each tool's path, size, time and inode, the runner's own code, and the sandbox
     * settings.
     */
    static String conditions(SandboxSettings settings, Path bwrap, Path prlimit, Path socat) {
        StringBuilder text = new StringBuilder();
        for (String setting : List.of("/proc/sys/kernel/random/boot_id", "/proc/sys/kernel/unprivileged_userns_clone",
                "/proc/sys/user/max_user_namespaces", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns")) {
            String value;
            try {
                value = Files.readString(Path.of(setting)).trim();
            } catch (IOException | RuntimeException e) {
                value = "-";
            }
            text.append(setting).append(' ').append(value).append('\n');
        }
        try {
            text.append("uid ").append(Files.getAttribute(Path.of("/proc/self"), "unix:uid")).append('\n');
        } catch (IOException | RuntimeException e) {
            text.append("uid -\n");
        }
        List<Path> files = new ArrayList<>(Arrays.asList(bwrap, prlimit, socat));
        try {
            files.add(Path.of(ProbeVerdicts.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            text.append("code -\n");
        }
        for (Path file : files) {
            if (file == null) {
                continue;
            }
            try {
                Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ino");
                text.append(file).append(' ').append(a.get("size")).append(' ').append(a.get("lastModifiedTime")).append(' ')
                        .append(a.get("ino")).append('\n');
            } catch (IOException | RuntimeException e) {
                text.append(file).append(" -\n");
            }
        }
        // Spelled out: a record's own toString is bootstrapped through method handles at first use (~15 ms here).
        return text.append("settings ").append(settings.mode()).append(' ').append(settings.network()).append(' ')
                .append(settings.allowedHosts()).append(' ').append(settings.maxProcesses()).append(' ').append(settings.maxMemory())
                .append(' ').append(settings.maxWorkspace()).append(' ').append(settings.bwrapPath()).append('\n').toString();
    }
}
