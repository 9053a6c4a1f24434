package io.repobox.output.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.repobox.agent.output.OutputLine;
import io.repobox.agent.process.LineHandler;
import io.repobox.agent.process.ProcessResult;
import io.repobox.agent.process.ProcessRunner;
import io.repobox.agent.process.ProcessSpec;
import io.repobox.output.redis.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink and the reader against a real redis-server started for this class. */
class RedisOutputIT {

    private static final Duration SAFETY_NET = Duration.ofSeconds(60);

    static TestRedis redis;

    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = TestRedis.startPersistent();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private RedisOutput output(RedisOutputOptions.Builder options) {
        RedisOutput output = RedisOutput.connect(options.build());
        toClose.add(output);
        return output;
    }

    private RedisOutput output() {
        return output(RedisOutputOptions.builder(redis.url()).maxLines(1_000_000));
    }

    private static String job() {
        return UUID.randomUUID().toString();
    }

    private static OutputLine line(String text) {
        return OutputLine.agentStdout(text);
    }

    /** Everything in the job's stream, read through the public cursor until the end marker. */
    private static List<OutputEntry> readAll(RedisOutput output, String job) {
        List<OutputEntry> all = new ArrayList<>();
        try (OutputCursor cursor = output.follow(job, null)) {
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            while (!cursor.isEnded() && System.nanoTime() < deadline) {
                all.addAll(cursor.poll(Duration.ofSeconds(1)));
            }
        }
        return all;
    }

    private static void assertLines(List<OutputEntry> entries, int count) {
        List<String> lines = entries.stream().filter(e -> !e.isEnd()).map(OutputEntry::line).toList();
        assertThat(lines).hasSize(count);
        for (int i = 0; i < count; i++) {
            if (!lines.get(i).equals("line " + i)) {
                throw new AssertionError("entry " + i + " is '" + lines.get(i) + "', expected 'line " + i + "'");
            }
        }
    }

    @Test
    void closingOnAnInterruptedThreadReleasesTheSinkAndKeepsTheInterrupt() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        sink.accept(line("before the interrupt"));
        sink.flush();

        Thread.currentThread().interrupt();
        try {
            sink.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        try (RedisOutputSink again = output.openSink(job)) { // the job's state was released: it opens anew
            again.accept(line("after"));
            again.end("success");
        }
        assertThat(readAll(output, job)).extracting(OutputEntry::line).startsWith("before the interrupt", "after");
    }

    @Test
    void storesAHundredThousandLinesCompleteAndInOrderWithTheEndMarkerLast() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        for (int i = 0; i < 100_000; i++) {
            sink.accept(line("line " + i));
        }
        sink.end("success");
        sink.close();

        List<OutputEntry> entries = readAll(output, job);
        assertLines(entries, 100_000);
        OutputEntry end = entries.get(entries.size() - 1);
        assertThat(end.isEnd()).isTrue();
        assertThat(end.status()).isEqualTo("success");
        assertThat(end.timestamp()).isPositive();
        OutputEntry first = entries.get(0);
        assertThat(first.fields()).containsOnlyKeys("timestamp", "stream", "source", "line");
        assertThat(first.stream()).isEqualTo("stdout");
        assertThat(first.source()).isEqualTo("agent");
        assertThat(redis.redis().xlen(RedisOutput.outputKey(job))).isEqualTo(100_001);
    }

    @Test
    void theCapKeepsTheFirstLinesAndOneNoticeSaysHowManyWereLeftOut() throws Exception {
        RedisOutput output = output(RedisOutputOptions.builder(redis.url()).maxLines(100));
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        for (int i = 0; i < 150; i++) {
            sink.accept(line("line " + i));
        }
        sink.end("failed");
        sink.close();

        List<OutputEntry> entries = readAll(output, job);
        assertThat(entries).hasSize(102);
        assertLines(entries.subList(0, 100), 100);
        OutputEntry notice = entries.get(100);
        assertThat(notice.line()).isEqualTo("50 more lines were not stored: the output is limited to 100 lines per job (AI_MAX_OUTPUT_LINES)");
        assertThat(notice.source()).isEqualTo("runner");
        assertThat(notice.fields()).containsEntry("notice", "truncated").containsEntry("dropped", "50");
        assertThat(entries.get(101).status()).isEqualTo("failed");
        assertThat(sink.droppedLines()).isEqualTo(50);
    }

    @Test
    void theStreamGetsItsTtl() throws Exception {
        RedisOutput output = output(RedisOutputOptions.builder(redis.url()).ttl(Duration.ofSeconds(3600)));
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        sink.accept(line("hello"));
        sink.flush();
        long whileRunning = redis.redis().ttl(RedisOutput.outputKey(job));
        sink.end("success");

        assertThat(whileRunning).isBetween(3000L, 3600L);
        assertThat(redis.redis().ttl(RedisOutput.outputKey(job))).isBetween(3000L, 3600L);
    }

    @Test
    void aReaderResumesFromAnIdAndStopsAtTheEndMarker() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        for (int i = 0; i < 10; i++) {
            sink.accept(line("line " + i));
        }
        sink.end("success");

        List<OutputEntry> all = readAll(output, job);
        try (OutputCursor cursor = output.follow(job, all.get(4).id())) {
            List<OutputEntry> rest = cursor.poll(Duration.ofSeconds(5));

            assertThat(rest).extracting(OutputEntry::line).containsExactly("line 5", "line 6", "line 7", "line 8", "line 9", "");
            assertThat(rest.get(5).isEnd()).isTrue();
            assertThat(cursor.isEnded()).isTrue();
            assertThat(cursor.position()).isEqualTo(all.get(10).id());
            assertThat(cursor.poll(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aFollowerReceivesALineWrittenWhileItWaits() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        try (OutputCursor cursor = output.follow(job, null)) {
            CompletableFuture<List<OutputEntry>> waiting = CompletableFuture.supplyAsync(() -> cursor.poll(SAFETY_NET));
            sink.accept(line("live"));

            assertThat(waiting.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS)).extracting(OutputEntry::line).containsExactly("live");
        }
        sink.end("success");
    }

    @Test
    void linesProducedWhileRedisIsDownArriveAfterItComesBackInOrderAndOnce() throws Exception {
        RedisOutput output = output(RedisOutputOptions.builder(redis.url()).maxLines(1_000_000).outageTimeout(Duration.ofSeconds(60)));
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        for (int i = 0; i < 5000; i++) {
            sink.accept(line("line " + i));
        }
        sink.flush();
        redis.kill();                       // a crash: the connection drops mid-stream
        for (int i = 5000; i < 10_000; i++) {
            sink.accept(line("line " + i)); // queued while Redis is away
        }
        redis.restart();
        for (int i = 10_000; i < 15_000; i++) {
            sink.accept(line("line " + i));
        }
        sink.end("success");

        List<OutputEntry> entries = readAll(output, job);
        assertLines(entries, 15_000);
        assertThat(entries).last().matches(OutputEntry::isEnd);
    }

    @Test
    void restartsInTheMiddleOfAFlowLoseNothing() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        Future<?> producer = Executors.newSingleThreadExecutor().submit(() -> {
            for (int i = 0; i < 30_000; i++) {
                sink.accept(line("line " + i));
            }
            return null;
        });
        for (long mark : new long[] {1000, 10_000, 20_000}) {
            waitUntil(() -> redis.redis().xlen(RedisOutput.outputKey(job)) > mark);
            redis.restart();
        }
        producer.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
        sink.end("success");

        assertLines(readAll(output, job), 30_000);
    }

    @Test
    void aPausedServerMakesTheProducerWaitWithBoundedMemory() throws Exception {
        int bufferBytes = 64 * 1024;
        RedisOutput output = output(RedisOutputOptions.builder(redis.url()).maxLines(1_000_000).bufferBytes(bufferBytes));
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        String payload = "x".repeat(1000);
        AtomicLong accepted = new AtomicLong();
        pause("60000", "WRITE"); // writes wait until CLIENT UNPAUSE below
        ExecutorService producerThread = Executors.newSingleThreadExecutor();
        Future<?> producer = producerThread.submit(() -> {
            for (int i = 0; i < 5000; i++) {
                sink.accept(line(i + " " + payload));
                accepted.incrementAndGet();
            }
            return null;
        });
        try {
            // The producer blocks once the job's buffer is full: wait for that state, not for time.
            long deadline = System.nanoTime() + SAFETY_NET.toNanos();
            long seen = -1;
            while (System.nanoTime() < deadline) {
                long now = accepted.get();
                if (now == seen && !producer.isDone() && isProducerBlocked()) {
                    break;
                }
                seen = now;
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms: no busy loop on Redis
            }
            long whilePaused = accepted.get();
            // Each queued line costs about 2 KB of the budget; one batch may be in flight besides.
            assertThat(whilePaused).isLessThan(bufferBytes / 2000 + 1024 + 1).isLessThan(5000);
            assertThat(producer.isDone()).isFalse();
        } finally {
            pause("UNPAUSE");
        }
        producer.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
        producerThread.shutdown();
        sink.end("success");
        assertThat(readAll(output, job)).hasSize(5001);
    }

    /** CLIENT PAUSE ms WRITE, or CLIENT UNPAUSE (Redis 6.2; Lettuce 6.5 has no method for the latter). */
    private static void pause(String... args) {
        CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
        if (!args[0].equals("UNPAUSE")) {
            commandArgs.add("PAUSE");
        }
        for (String a : args) {
            commandArgs.add(a);
        }
        redis.redis().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), commandArgs);
    }

    /** Whether the producer thread waits inside the sink (the job's buffer is full). */
    private static boolean isProducerBlocked() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("pool-")
                && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                && List.of(t.getStackTrace()).stream().anyMatch(f -> f.getMethodName().equals("offerLine")));
    }

    @Test
    void anOutageLongerThanTheBoundFailsTheJobWithAClearMessage() throws Exception {
        try (TestRedis lonely = TestRedis.startPersistent()) {
            RedisOutput output = output(RedisOutputOptions.builder(lonely.url()).outageTimeout(Duration.ofSeconds(2)));
            String job = job();
            RedisOutputSink sink = output.openSink(job);
            lonely.kill();
            sink.accept(line("lost in the outage"));

            assertThatThrownBy(() -> sink.end("success")).isInstanceOf(RedisOutputException.class)
                    .hasMessageStartingWith("Redis did not accept output for 2s (job:" + job + ":output)");
            assertThatThrownBy(() -> sink.accept(line("after"))).isInstanceOf(RedisOutputException.class);
        }
    }

    @Test
    void manyJobsShareOneClientConcurrently() throws Exception {
        RedisOutput output = output();
        List<String> jobs = new ArrayList<>();
        List<Future<?>> producers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        for (int j = 0; j < 20; j++) {
            String job = job();
            jobs.add(job);
            producers.add(pool.submit(() -> {
                RedisOutputSink sink = output.openSink(job);
                for (int i = 0; i < 2000; i++) {
                    sink.accept(line("line " + i));
                }
                sink.end("success");
                sink.close();
                return null;
            }));
        }
        for (Future<?> f : producers) {
            f.get(SAFETY_NET.toSeconds(), TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (String job : jobs) {
            List<OutputEntry> entries = readAll(output, job);
            assertLines(entries, 2000);
            assertThat(entries).last().matches(OutputEntry::isEnd);
        }
    }

    @Test
    void aProcessStreamsThroughTheProcessCoreIntoItsStream() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink sink = output.openSink(job);
        ProcessResult result = ProcessRunner.run(ProcessSpec.builder("sh", "-c", "seq -f 'line %.0f' 0 49999; echo oops >&2")
                .workingDirectory(dir).build(), LineHandler.to(sink, OutputLine.Source.AGENT));
        sink.end("success");

        assertThat(result.isSuccess()).isTrue();
        List<OutputEntry> entries = readAll(output, job);
        assertLines(entries.stream().filter(e -> e.stream().equals("stdout") || e.isEnd()).toList(), 50_000);
        assertThat(entries).filteredOn(e -> e.stream().equals("stderr")).extracting(OutputEntry::line).containsExactly("oops");
    }

    @Test
    void aSecondSinkForTheSameJobAppendsAfterTheFirst() throws Exception {
        RedisOutput output = output();
        String job = job();
        RedisOutputSink first = output.openSink(job);
        long future = System.currentTimeMillis() + 60_000; // a clock ahead of ours wrote first
        first.accept(new OutputLine(future, OutputLine.Stream.STDOUT, OutputLine.Source.RUNNER, "line 0"));
        first.close();
        RedisOutputSink second = output.openSink(job);
        second.accept(line("line 1"));
        second.end("success");

        assertLines(readAll(output, job), 2);
    }

    @Test
    void anOutputWhoseReadsShareTheCallersConnectionOpensOnlyItsWritesAndLeavesThatConnectionOpen() throws Exception {
        TestRedis own = TestRedis.startPersistent(); // its own server: no other test's connections in the count
        toClose.add(own);
        io.repobox.redis.Redis client = io.repobox.redis.Redis.create(own.url(), Duration.ofSeconds(10));
        toClose.add(client);
        io.repobox.redis.Redis.Connection reads = client.connect();
        toClose.add(reads::close);
        long before = connectedClients(reads); // the test server's own connection and reads

        RedisOutput output = RedisOutput.create(client, reads, RedisOutputOptions.builder(own.url()).build());
        assertThat(connectedClients(reads)).as("one connection more: the writes").isEqualTo(before + 1);
        String job = job();
        RedisOutputSink sink = output.openSink(job); // a read, through the shared connection
        sink.accept(line("line 0"));
        sink.end("success");
        assertLines(readAll(output, job), 1);
        output.close();

        String pong = reads.call(c -> c.ping());
        assertThat(pong).as("the shared connection stays open").isEqualTo("PONG");
        waitUntil(() -> connectedClients(reads) == before); // the server sees the others' ends a moment after they close
    }

    private static long connectedClients(io.repobox.redis.Redis.Connection connection) {
        return TestRedis.infoNumber(connection.call(c -> c.info("clients")), "connected_clients");
    }

    @Test
    void anUnreachableServerIsNamedWithoutItsPassword() {
        int port = EmbeddedRedis.freePort();
        assertThatThrownBy(() -> RedisOutput.connect(RedisOutputOptions.builder("redis://:hunter22@127.0.0.1:" + port).build()))
                .isInstanceOf(RedisOutputException.class)
                .hasMessageStartingWith("cannot connect to Redis at redis://:***@127.0.0.1:" + port + ": ")
                .hasMessageNotContaining("hunter22");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + SAFETY_NET.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + SAFETY_NET);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms: no busy loop on Redis
        }
    }
}
