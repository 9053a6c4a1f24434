package io.repobox.runner.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code redis-server} that {@code run} starts when no REDIS_URL is given: one of the binaries
 * the embedded-redis artifact ships, taken out of the jar and checked against its SHA-256 before
 * anything executes it.
 *
 * <p>Taking it out costs a {@code run} about 130 ms (10 MB inflated, written and hashed by a JVM
 * that has only its quick compiler), so a checked copy is kept in the user's cache directory
 * ({@code $XDG_CACHE_HOME/repobox-runner}, else {@code ~/.cache/repobox-runner}; the launcher keeps
 * its class-data archive there too) and used again while it is still trustworthy: the directory
 * belongs to this user and has mode 700, and the copy is a regular file (not a link) of this user
 * with mode 700, whose name carries its checksum. Anything else is neither executed nor trusted: the
 * binary is checked and copied there again, or, where no such directory can be had, into the
 * run's private directory as before. The same user could replace the copy, but could as well replace
 * the jar: the copy adds no one who can.
 */
final class RedisBinary {

    /** The servers this class will execute, by resource name, and the SHA-256 of each. */
    static final Map<String, String> CHECKSUMS = Map.of(
            "redis-server-6.2.6-v5-linux-amd64", "1f716094e08a25faee2bc7626feb9e13464ed89018ac5c376c5e9cff06bdcf52",
            "redis-server-6.2.7-linux-arm64", "036a23aa65bfb31d2a048aa96c170b38c2fbd4f1de68ef0f9c3133dd4b1474cd",
            "redis-server-6.2.6-v5-darwin-amd64", "7a4eb450d90a6ce9a2c651cfc4a0613b980a270c6426cbb6fa42d6c3beec9ce8",
            "redis-server-6.2.6-v5-darwin-arm64", "c523aec5a9b6f565cff0271ef67f5c51fa83e1180e3e954ab5251b3cf6282b76");

    private static final String PRIVATE = "rwx------";

    private RedisBinary() {
    }

    /**
     * The checked server for this platform: the cached copy when it can be trusted (see the class
     * comment), else a new checked copy in the cache, else one in {@code privateDir}.
     *
     * @param privateDir the run's own directory (mode 700, made by this process)
     * @param environment where XDG_CACHE_HOME and HOME are read
     */
    static Path locate(Path privateDir, Map<String, String> environment) throws IOException {
        String name = resourceName();
        String expected = CHECKSUMS.get(name);
        Optional<Path> cache = UserCache.directory(environment, privateDir);
        if (cache.isEmpty()) {
            return install(privateDir, name, expected);
        }
        Path cached = cache.get().resolve(name + "-" + expected.substring(0, 16));
        if (trusted(cached, privateDir)) {
            return cached;
        }
        Path staging = Files.createTempDirectory(cache.get(), "install-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE)));
        try {
            Path checked = install(staging, name, expected);
            Files.move(checked, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return cached;
        } finally {
            Files.deleteIfExists(staging.resolve("redis-server"));
            Files.deleteIfExists(staging);
        }
    }

    /** Copies the server into {@code dir} and checks its SHA-256 before anything executes it. */
    static Path install(Path dir, String name, String expected) throws IOException {
        Path target = dir.resolve("redis-server");
        try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null || expected == null) {
                throw new IllegalStateException("this build has no embedded redis-server " + name + "; set REDIS_URL to a Redis server");
            }
            Files.copy(in, target);
        }
        String actual = sha256(target);
        if (!actual.equals(expected)) {
            Files.deleteIfExists(target);
            throw new IllegalStateException("the embedded redis-server " + name + " does not match its known checksum (SHA-256 "
                    + actual + ", expected " + expected + "); it was not executed. Set REDIS_URL to a Redis server");
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(PRIVATE));
        return target;
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[65536];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("there is no embedded redis-server for " + os + "/" + arch + "; set REDIS_URL to a Redis server");
    }

    private static boolean trusted(Path cached, Path ownedByUs) {
        try {
            return Files.isRegularFile(cached, LinkOption.NOFOLLOW_LINKS) && UserCache.sameOwner(cached, ownedByUs)
                    && PosixFilePermissions.toString(Files.getPosixFilePermissions(cached, LinkOption.NOFOLLOW_LINKS)).equals(PRIVATE);
        } catch (IOException e) {
            return false;
        }
    }
}
