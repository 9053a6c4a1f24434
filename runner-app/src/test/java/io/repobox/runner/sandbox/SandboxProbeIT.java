package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test sandbox tried in the background (as a runner with SANDBOX=auto does): nothing that asks
 * whether there is a sandbox gets an answer before the test sandbox has ended, and its verdict is
 * the answer. A stand-in bubblewrap, held at a gate the test opens, plays the test sandbox, so this
 * needs no bubblewrap (only prlimit, which util-linux puts on every Linux).
 */
class SandboxProbeIT {

    @TempDir
    Path dir;

    private Path standIn(String afterGate) throws Exception {
        Path bwrap = dir.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\ntouch '" + dir.resolve("started") + "'\n"
                + "while [ ! -e '" + dir.resolve("gate") + "' ]; do sleep 0.01; done\n" + afterGate + "\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwx------"));
        return bwrap;
    }

    private Sandbox detectInBackground(Path bwrap) {
        return Sandbox.detectInBackground(new SandboxSettings(SandboxSettings.Mode.AUTO, SandboxSettings.Network.HOST, List.of(),
                SandboxSettings.DEFAULT_MAX_PROCESSES, SandboxSettings.DEFAULT_MAX_MEMORY, SandboxSettings.DEFAULT_MAX_WORKSPACE, bwrap),
                dir.resolve("work"));
    }

    private void awaitStarted() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("started")) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000); // re-check every 10 ms
        }
        assertThat(dir.resolve("started")).as("the test sandbox started").exists();
    }

    @Test
    void whetherThereIsASandboxIsAnsweredOnlyOnceTheTestSandboxEnded() throws Exception {
        Sandbox sandbox = detectInBackground(standIn("exit 0"));
        CompletableFuture<Boolean> enabled = CompletableFuture.supplyAsync(sandbox::enabled);
        awaitStarted();

        // The start-up check of SANDBOX=auto does not wait for it (it warns when the answer comes).
        CompletableFuture.runAsync(sandbox::checkAtStartup).get(30, TimeUnit.SECONDS);
        assertThat(enabled).as("asked while the test sandbox is still held at the gate").isNotDone();

        Files.createFile(dir.resolve("gate"));
        assertThat(enabled.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sandbox.problem()).isNull();
    }

    @Test
    void aTestSandboxThatFailsMeansNoSandboxAndSaysWhy() throws Exception {
        Sandbox sandbox = detectInBackground(standIn("echo 'bwrap: No permissions to creating new namespace' >&2; exit 1"));
        awaitStarted();
        Files.createFile(dir.resolve("gate"));

        sandbox.awaitProbe();
        assertThat(sandbox.enabled()).isFalse();
        assertThat(sandbox.problem()).startsWith("a test sandbox failed").contains("No permissions to creating new namespace");
    }
}
