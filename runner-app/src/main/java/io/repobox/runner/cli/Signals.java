package io.repobox.runner.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP for the commands that follow a job, handled by the command
 * instead of by JVM shutdown: the first one asks for an orderly end (the command keeps printing and
 * ends normally), a later one ends the process at once. The JVM's shutdown hooks would instead race
 * the command's own thread for the console and end the process under it.
 */
final class Signals {

    /** Set by {@code main} only: a command run inside another JVM (tests, an embedder) leaves that JVM's signals alone. */
    static volatile boolean enabled;

    private Signals() {
    }

    /** Installs the handlers; {@code first} runs on the first signal, {@code again} on every later one. */
    static void onInterrupt(Runnable first, Runnable again) {
        if (!enabled) {
            return;
        }
        AtomicInteger count = new AtomicInteger();
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (count.getAndIncrement() == 0) {
                        first.run();
                    } else {
                        again.run();
                    }
                });
            } catch (IllegalArgumentException unavailable) {
                // The JVM keeps this signal (e.g. -Xrs) or the platform has none; its default stays.
            }
        }
    }
}
