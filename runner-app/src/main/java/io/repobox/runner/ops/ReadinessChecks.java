package io.repobox.runner.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /readyz} answers: named checks run on a thread of their own every few seconds, so
 * that a request never waits on Redis or on an agent CLI, and the last answers kept. Others add
 * their checks before {@link #start} (the sandbox adds "sandbox"). Thread-safe.
 */
public final class ReadinessChecks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadinessChecks.class);

    /** One check: null when all is well, else what is wrong and what to do. May throw; the exception's message is the problem. */
    @FunctionalInterface
    public interface Check {
        String problem() throws Exception;
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();
    private final Map<String, String> problems = new LinkedHashMap<>();
    private ScheduledExecutorService thread;

    /** Adds a check named {@code name} (e.g. "redis", "agent", "sandbox"). */
    public synchronized ReadinessChecks add(String name, Check check) {
        checks.put(name, check);
        problems.put(name, "not checked yet");
        return this;
    }

    /** A check that runs {@code check} at most once per {@code every} and repeats its last answer in between. */
    public static Check cached(Duration every, Check check) {
        return new Check() {
            private long next = Long.MIN_VALUE;
            private String last;

            @Override
            public synchronized String problem() throws Exception {
                long now = System.nanoTime();
                if (next == Long.MIN_VALUE || now - next >= 0 || last != null) { // a failing check is retried at once
                    last = check.problem();
                    next = now + every.toNanos();
                }
                return last;
            }
        };
    }

    /** Runs every check now, then every {@code every}. */
    public synchronized void start(Duration every) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "repobox-readiness");
            t.setDaemon(true);
            return t;
        });
        var unused = thread.scheduleWithFixedDelay(this::runChecks, 0, every.toMillis(), TimeUnit.MILLISECONDS); // ends with the executor
    }

    /** Runs every check once, now, on the calling thread. */
    public void runChecks() {
        Map<String, Check> current;
        synchronized (this) {
            current = new LinkedHashMap<>(checks);
        }
        current.forEach((name, check) -> {
            String problem;
            try {
                problem = check.problem();
            } catch (Exception e) {
                problem = String.valueOf(e.getMessage());
            }
            synchronized (this) {
                String before = problems.put(name, problem);
                if (problem != null && !problem.equals(before)) {
                    log.warn("Not ready: {}", problem);
                } else if (problem == null && before != null && !"not checked yet".equals(before)) {
                    log.info("Ready again: {} is fine", name);
                }
            }
        });
    }

    /** What is wrong now, one line per failing check; empty when ready. */
    public synchronized List<String> problems() {
        List<String> out = new ArrayList<>();
        problems.forEach((name, problem) -> {
            if (problem != null) {
                out.add(name + ": " + problem);
            }
        });
        return out;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
