package io.repobox.runner.sandbox;

import io.repobox.agent.process.ProcessExecution;
import io.repobox.agent.process.ProcessResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The execution as started, with a result that names the limit it ran into. */
record SandboxedExecution(ProcessExecution inner, CompletableFuture<ProcessResult> result) implements ProcessExecution {
    @Override
    public void cancel() {
        if (inner != null) {
            inner.cancel();
        }
    }

    @Override
    public ProcessResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public Optional<ProcessResult> await(java.time.Duration max) throws InterruptedException {
        try {
            return Optional.of(result.get(max.toNanos(), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }

    @Override
    public java.util.concurrent.CompletionStage<ProcessResult> completion() {
        return result.minimalCompletionStage();
    }

    @Override
    public long pid() {
        return inner == null ? -1 : inner.pid();
    }
}
