package io.repobox.agent.process;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.ProcessResult.Outcome;
import io.repobox.agent.process.ProcessResult.StartFailure;
import io.repobox.agent.process.internal.LineFramer;
import io.repobox.agent.process.internal.NewSession;
import io.repobox.agent.process.internal.ProcessTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution of the process core: the child, its two readers, its stdin writer and the
 * supervisor that decides when it ends.
 *
 * <p>The supervisor, not the readers, decides the end: it waits for the child to exit, for the
 * timeout, for the idle timeout (no byte on either pipe for that long), or for a stop request
 * (cancel, or a reader that could not deliver a line); stops the tree (after a normal exit it
 * sweeps leftovers); then gives the readers a bounded time to drain.
 */
final class RunningProcess implements ProcessExecution {

    private static final Logger log = LoggerFactory.getLogger(RunningProcess.class);

    /** Three daemon threads per running process, gone after 60 s idle; never shut down on purpose: it holds
     *  nothing when idle, and a shutdown by one user of the library would strand another's executions. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "repobox-process-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });

    /** Why the supervisor stopped waiting for a normal exit. */
    private record Stop(Outcome outcome, String error) {
    }

    private final ProcessSpec spec;
    private final LineHandler handler;
    private final CompletableFuture<ProcessResult> result = new CompletableFuture<>();
    private final CompletableFuture<Stop> stopRequest = new CompletableFuture<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final long startNanos = System.nanoTime();
    /** When a reader last got bytes or finished handing them on; the idle timeout counts from here. */
    private volatile long lastOutputNanos = startNanos;
    /** Readers inside the handler: a handler held up by its consumer (a Redis outage) is not a silent child. */
    private final AtomicInteger delivering = new AtomicInteger();
    private volatile boolean abandoned;
    private volatile boolean deliveryFailed;
    private volatile Process process;

    private RunningProcess(ProcessSpec spec, LineHandler handler) {
        this.spec = spec;
        this.handler = handler;
    }

    /** Starts {@code spec}; failures to start end the returned execution rather than throw. */
    public static ProcessExecution start(ProcessSpec spec, LineHandler handler) {
        RunningProcess execution = new RunningProcess(spec, handler);
        execution.launch();
        return execution;
    }

    private void launch() {
        if (!Files.isDirectory(spec.workingDirectory())) {
            failToStart(StartFailure.BAD_WORKING_DIRECTORY, "working directory '" + spec.workingDirectory()
                    + (Files.exists(spec.workingDirectory()) ? "' is not a directory" : "' does not exist"));
            return;
        }
        Executables.Resolution program = Executables.resolve(spec.command().get(0), spec.workingDirectory(), spec.environment());
        if (program.path() == null) {
            failToStart(program.failure(), program.message());
            return;
        }
        List<String> command = new ArrayList<>(spec.command());
        command.set(0, program.path().toString());
        List<String> launched = NewSession.wrap(command, program.path());
        ProcessBuilder builder = new ProcessBuilder(launched).directory(spec.workingDirectory().toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(spec.environment());
        String marker = UUID.randomUUID().toString();
        environment.put(ProcessTree.MARKER_VARIABLE, marker);
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            failToStart(e.getMessage() != null && e.getMessage().contains("error=13") ? StartFailure.NOT_EXECUTABLE
                    : StartFailure.OTHER, explainStartFailure(e));
            return;
        }
        process = started;
        NewSession.Watch watch = launched.size() != command.size() ? NewSession.watch(started) : () -> { };
        log.debug("Started {} as pid {}", spec, started.pid());
        CompletableFuture<Void> out = CompletableFuture.runAsync(() -> read(OutputLine.Stream.STDOUT, started.getInputStream()), THREADS);
        CompletableFuture<Void> err = CompletableFuture.runAsync(() -> read(OutputLine.Stream.STDERR, started.getErrorStream()), THREADS);
        writeStdin(started.getOutputStream());
        ProcessTree tree = new ProcessTree(started.toHandle(), marker, launched.size() != command.size()); // wrapped: leads a session
        THREADS.execute(() -> supervise(started, tree, watch, CompletableFuture.allOf(out, err)));
    }

    private String explainStartFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=2,")) {
            // The file exists (resolved above), so what is missing is its interpreter.
            return "'" + spec.command().get(0) + "' exists but its interpreter was not found (check its #! line)";
        }
        if (message.contains("error=13")) {
            return "'" + spec.command().get(0) + "' is not executable (permission denied)";
        }
        if (message.contains("error=8,")) {
            return "'" + spec.command().get(0) + "' is not a program this system can run (exec format error)";
        }
        return "'" + spec.command().get(0) + "': " + message;
    }

    private void writeStdin(OutputStream stdin) {
        byte[] bytes = spec.stdin();
        if (bytes.length == 0) {
            closeQuietly(stdin);
            return;
        }
        THREADS.execute(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException e) {
                // The child exited or closed its stdin before reading everything; its exit code tells the rest.
                log.debug("{}: stdin not fully written: {}", spec.name(), e.toString());
            }
        });
    }

    private void read(OutputLine.Stream stream, InputStream in) {
        LineFramer framer = new LineFramer(spec.maxLineBytes(), text -> deliver(stream, text));
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0 && !abandoned) {
                delivering.incrementAndGet();
                try {
                    framer.feed(chunk, 0, n);
                } finally {
                    lastOutputNanos = System.nanoTime();
                    delivering.decrementAndGet();
                }
            }
            if (!abandoned) {
                framer.finish();
            }
        } catch (IOException e) {
            if (!abandoned) {
                requestStop(Outcome.ERROR, "reading its " + stream.wireName() + " failed: " + e.getMessage());
            }
        }
    }

    private void deliver(OutputLine.Stream stream, String raw) {
        if (abandoned || deliveryFailed) {
            return; // keep draining the pipe so the child never blocks, but deliver nothing more
        }
        String text = spec.masker().mask(raw);
        if (stream == OutputLine.Stream.STDERR) {
            synchronized (stderrTail) {
                if (stderrTail.size() == ProcessResult.TAIL_LINES) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(text.length() > 1000 ? text.substring(0, 1000) + "…" : text);
            }
        }
        try {
            handler.onLine(stream, text, System.currentTimeMillis());
        } catch (RuntimeException e) {
            deliveryFailed = true;
            requestStop(Outcome.ERROR, "its output could not be delivered: " + e.getMessage());
        }
    }

    private void requestStop(Outcome outcome, String error) {
        stopRequest.complete(new Stop(outcome, error));
    }

    private void supervise(Process child, ProcessTree tree, NewSession.Watch watch, CompletableFuture<Void> readers) {
        Stop stop;
        try {
            stop = awaitEnd(CompletableFuture.anyOf(child.onExit(), stopRequest));
        } catch (InterruptedException | ExecutionException e) {
            stop = new Stop(Outcome.ERROR, "supervision was interrupted");
        }
        if (stop != null) {
            log.debug("{} (pid {}): stopping the process tree ({})", spec.name(), child.pid(), stop.outcome());
        }
        // After a normal exit this sweeps what the child left running; after a stop it ends the whole tree.
        int stopped = tree.stop(spec.gracePeriod());
        int exitCode = waitForExit(child);
        watch.close(); // the tree is gone: nothing is left for the watch to end
        try {
            readers.get(spec.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandoned = true;
            log.warn("{} (pid {}): output pipes still open {} after the process tree ended (a process outside the tree "
                    + "holds them); giving up on them", spec.name(), child.pid(), spec.drainTimeout());
            closeQuietly(child.getInputStream());
            closeQuietly(child.getErrorStream());
        } catch (InterruptedException | ExecutionException e) {
            abandoned = true;
        }
        if (stop == null && stopRequest.isDone()) {
            stop = stopRequest.join(); // delivery failed while draining: the output is incomplete
        }
        Outcome outcome = stop == null ? Outcome.EXITED : stop.outcome();
        List<String> tail;
        synchronized (stderrTail) {
            tail = List.copyOf(stderrTail);
        }
        result.complete(new ProcessResult(outcome, OptionalInt.of(exitCode), elapsed(),
                outcome == Outcome.IDLE ? spec.idleTimeout() : spec.timeout(), stopped, tail,
                null, stop == null ? null : stop.error()));
    }

    /**
     * Waits for {@code end} (the child's exit or a stop request), the timeout or the idle timeout;
     * null for a normal exit. Wakes at the earlier of the two limits and re-checks, so output keeps
     * pushing the idle limit back without any per-line work here.
     */
    private Stop awaitEnd(CompletableFuture<Object> end) throws InterruptedException, ExecutionException {
        Duration idle = spec.idleTimeout();
        boolean limited = spec.timeout() != null;
        long deadline = startNanos + (limited ? spec.timeout().toNanos() : 0);
        while (true) {
            if (end.isDone()) {
                return end.get() instanceof Stop s ? s : null;
            }
            long now = System.nanoTime();
            if (limited && deadline - now <= 0) {
                return new Stop(Outcome.TIMED_OUT, null);
            }
            long wait = limited ? deadline - now : Long.MAX_VALUE;
            if (idle != null) {
                long idleLeft = (delivering.get() > 0 ? now : lastOutputNanos) + idle.toNanos() - now;
                if (idleLeft <= 0) {
                    return new Stop(Outcome.IDLE, null);
                }
                wait = Math.min(wait, idleLeft);
            }
            try {
                Object first = wait == Long.MAX_VALUE ? end.get() : end.get(wait, TimeUnit.NANOSECONDS);
                return first instanceof Stop s ? s : null;
            } catch (TimeoutException e) {
                // a limit may have passed: the loop decides which, if any
            }
        }
    }

    private static int waitForExit(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // The tree has been stopped; the exit is imminent.
            }
        }
    }

    private void failToStart(StartFailure failure, String message) {
        log.debug("{} could not start: {}", spec.name(), message);
        result.complete(new ProcessResult(Outcome.FAILED_TO_START, OptionalInt.empty(), elapsed(), spec.timeout(), 0,
                List.of(), failure, spec.masker().mask(message)));
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    @Override
    public void cancel() {
        requestStop(Outcome.CANCELLED, null);
    }

    @Override
    public ProcessResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Optional<ProcessResult> await(Duration max) throws InterruptedException {
        try {
            return Optional.of(result.get(max.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public CompletionStage<ProcessResult> completion() {
        return result.minimalCompletionStage();
    }

    @Override
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }
}
