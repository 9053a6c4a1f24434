package io.repobox.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script kept as a resource next to the class that runs it, read once, and called by its SHA1
 * ({@code EVALSHA}); a server that does not know it yet (restarted, failed over, another cluster
 * node) answers NOSCRIPT and gets the text once ({@code EVAL}, which also caches it there). The
 * first call of the process sends the text straight away: a server seldom knows a script before
 * its runner has ever sent it, and a NOSCRIPT round trip per script was a measurable part of a
 * short command's start. Thread-safe.
 */
public final class RedisScript {

    private final String name;
    private final String source;
    private final String sha;
    /** Whether this process has sent the text once already (to some server): from then on, the SHA first. */
    private volatile boolean sent;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * Reads the script resource {@code name} (e.g. {@code "claim.lua"}) from the package of {@code owner}.
     *
     * @throws IllegalStateException if the resource is missing (a packaging error)
     */
    public static RedisScript load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the Lua script " + name + " is missing next to " + owner.getName());
            }
            return new RedisScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Lua script " + name, e);
        }
    }

    /** Runs the script, waiting for its reply. */
    public <T> T eval(Redis.Connection connection, ScriptOutputType type, String[] keys, String... args) {
        if (!sent) {
            T value = connection.call(c -> c.eval(source, type, keys, args));
            sent = true;
            return value;
        }
        try {
            return connection.call(c -> c.evalsha(sha, type, keys, args));
        } catch (RedisNoScriptException e) {
            return connection.call(c -> c.eval(source, type, keys, args));
        }
    }

    /**
     * Runs the script without waiting (for pipelined writers, which flush the call themselves); the
     * stage fails as the reply does. The fallback call is flushed at once.
     */
    public <T> CompletionStage<T> evalAsync(Redis.Connection connection, ScriptOutputType type, String[] keys, String... args) {
        if (!sent) {
            RedisFuture<T> byText = connection.async().eval(source, type, keys, args);
            return byText.thenApply(value -> {
                sent = true;
                return value;
            });
        }
        RedisFuture<T> bySha = connection.async().evalsha(sha, type, keys, args);
        return bySha.handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RedisNoScriptException) {
                RedisFuture<T> byText = connection.async().eval(source, type, keys, args);
                connection.stateful().flushCommands(); // a pipelining caller may hold commands back until it flushes
                return byText.toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(cause);
        }).thenCompose(stage -> stage);
    }

    /** The SHA1 the server knows the script by. */
    public String sha() {
        return sha;
    }

    @Override
    public String toString() {
        return "RedisScript[" + name + ", " + sha + "]";
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }
}
