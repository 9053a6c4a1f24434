package io.repobox.agent.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in a JVM with a small heap by {@link ProcessRunnerIT}: streams one line of N bytes without a
 * newline through the process core and prints what arrived.
 */
public final class BigLineProbe {

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        AtomicLong bytes = new AtomicLong();
        AtomicLong maxPiece = new AtomicLong();
        ProcessResult result = ProcessRunner.run(ProcessSpec.builder("sh", "-c", "head -c " + n + " /dev/zero | tr '\\000' x")
                .workingDirectory(Path.of(".").toAbsolutePath()).build(), (stream, text, ts) -> {
                    int len = text.getBytes(StandardCharsets.UTF_8).length;
                    bytes.addAndGet(len);
                    maxPiece.accumulateAndGet(len, Math::max);
                });
        System.out.println("bytes=" + bytes.get() + " maxPiece=" + maxPiece.get() + " outcome=" + result.outcome());
    }
}
