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

    /** A stand-in bubblewrap that counts its runs in a file and ends as {@code ending} says. */
    private Path counting(String ending) throws Exception {
        Path bwrap = dir.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\necho run >> '" + dir.resolve("runs") + "'\n" + ending + "\n");
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwx------"));
        return bwrap;
    }

    private long runs() throws Exception {
        return Files.exists(dir.resolve("runs")) ? Files.readAllLines(dir.resolve("runs")).size() : 0;
    }

    private ProbeVerdicts verdicts() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwx------"));
        return ProbeVerdicts.in(cache.resolve("sandbox-verdict"));
    }

    private Sandbox detect(Path bwrap, ProbeVerdicts verdicts) {
        Sandbox sandbox = Sandbox.detectInBackground(new SandboxSettings(SandboxSettings.Mode.AUTO, SandboxSettings.Network.HOST, List.of(),
                SandboxSettings.DEFAULT_MAX_PROCESSES, SandboxSettings.DEFAULT_MAX_MEMORY, SandboxSettings.DEFAULT_MAX_WORKSPACE, bwrap),
                dir.resolve("work"), verdicts);
        sandbox.awaitProbe();
        return sandbox;
    }

    @Test
    void aTestSandboxThatSucceededIsBelievedUnderTheSameConditionsOnlyUntilForgotten() throws Exception {
        Path bwrap = counting("exit 0");
        ProbeVerdicts verdicts = verdicts();

        assertThat(detect(bwrap, verdicts).enabled()).isTrue();
        assertThat(runs()).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cache/sandbox-verdict")))).isEqualTo("rw-------");

        assertThat(detect(bwrap, verdicts).enabled()).isTrue();
        assertThat(runs()).as("believed: no second test sandbox").isEqualTo(1);

        verdicts.forget();
        assertThat(detect(bwrap, verdicts).enabled()).isTrue();
        assertThat(runs()).as("forgotten: tried again").isEqualTo(2);
    }

    @Test
    void anotherBubblewrapOrOtherSettingsMeanANewTestSandbox() throws Exception {
        ProbeVerdicts verdicts = verdicts();
        detect(counting("exit 0"), verdicts);

        Path replaced = counting("# another build of bubblewrap\nexit 0");
        assertThat(detect(replaced, verdicts).enabled()).isTrue();
        assertThat(runs()).isEqualTo(2);

        Sandbox otherLimits = Sandbox.detectInBackground(new SandboxSettings(SandboxSettings.Mode.AUTO, SandboxSettings.Network.HOST, List.of(),
                7, SandboxSettings.DEFAULT_MAX_MEMORY, SandboxSettings.DEFAULT_MAX_WORKSPACE, replaced), dir.resolve("work"), verdicts);
        otherLimits.awaitProbe();
        assertThat(runs()).isEqualTo(3);
    }

    @Test
    void aTestSandboxThatFailedIsNeverRemembered() throws Exception {
        Path bwrap = counting("echo 'bwrap: No permissions to creating new namespace' >&2; exit 1");
        ProbeVerdicts verdicts = verdicts();

        assertThat(detect(bwrap, verdicts).enabled()).isFalse();
        assertThat(dir.resolve("cache/sandbox-verdict")).doesNotExist();
        assertThat(detect(bwrap, verdicts).problem()).contains("No permissions to creating new namespace");
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void aVerdictFileOthersCouldHaveWrittenOrALinkIsNotBelieved() throws Exception {
        Path bwrap = counting("exit 0");
        ProbeVerdicts verdicts = verdicts();
        detect(bwrap, verdicts);
        Path file = dir.resolve("cache/sandbox-verdict");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        detect(bwrap, verdicts);
        assertThat(runs()).as("a file others may write").isEqualTo(2);

        Path elsewhere = Files.copy(file, dir.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);
        detect(bwrap, verdicts);
        assertThat(runs()).as("a link").isEqualTo(3);
    }
}
