package io.repobox.runner.cli;

import static io.repobox.agent.testing.RecordingHandler.SAFETY_NET;
import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.agent.output.OutputLine;
import io.repobox.output.redis.RedisOutput;
import io.repobox.output.redis.RedisOutputOptions;
import io.repobox.output.redis.RedisOutputSink;
import io.repobox.output.redis.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The silence indicator of a followed job ("… 4s without output"): on a terminal it appears while
 * the job prints nothing and is wiped before the next line; in a pipe or a file it never appears.
 * Two consoles follow the same job in a real Redis, one as a terminal and one as a pipe.
 */
class JobConsoleIT {

    /** A writer that lets a test wait until some text has been written. */
    private static final class Watched extends Writer {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            notifyAll();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized void await(String part) throws InterruptedException {
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (text.indexOf(part) < 0) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("'%s' within %s; got %s", part, SAFETY_NET, text).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }

    @Test
    void aTerminalShowsHowLongTheJobIsSilentAndAPipeNeverDoes() throws Exception {
        try (TestRedis redis = TestRedis.startPersistent();
             RedisOutput output = RedisOutput.connect(RedisOutputOptions.builder(redis.url()).build())) {
            String job = UUID.randomUUID().toString();
            Watched terminalErr = new Watched();
            StringWriter pipeErr = new StringWriter();
            JobConsole terminal = new JobConsole(new PrintWriter(new StringWriter()), new PrintWriter(terminalErr), true, Duration.ofSeconds(1));
            JobConsole pipe = new JobConsole(new PrintWriter(new StringWriter()), new PrintWriter(pipeErr), false, Duration.ofSeconds(1));
            try (RedisOutputSink sink = output.openSink(job)) {
                sink.accept(OutputLine.runner("Running agent 'fake'"));
                sink.flush();
                CompletableFuture<Void> followedOnTerminal = CompletableFuture.runAsync(() -> terminal.print(output, job, true, () -> "running"));
                CompletableFuture<Void> followedInPipe = CompletableFuture.runAsync(() -> pipe.print(output, job, true, () -> "running"));

                terminalErr.await("s without output");
                sink.accept(OutputLine.runner("Agent finished"));
                sink.end("success");
                followedOnTerminal.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
                followedInPipe.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
            }

            String shown = terminalErr.toString();
            assertThat(shown).matches("(?s)\033\\[36m\\[runner\\] Running agent 'fake'\033\\[0m\n"
                    + "(\r\033\\[2K\033\\[2m… \\d+s without output\033\\[0m)+"
                    + "\r\033\\[2K\033\\[36m\\[runner\\] Agent finished\033\\[0m\n");
            assertThat(pipeErr.toString()).isEqualTo("[runner] Running agent 'fake'\n[runner] Agent finished\n");
        }
    }
}
