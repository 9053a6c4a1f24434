package io.repobox.runner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConsoleTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private JobConsole console(boolean colours) {
        return new JobConsole(new PrintWriter(out, true), new PrintWriter(err, true), colours);
    }

    @Test
    void withoutATerminalNothingButTheTextIsPrinted() {
        JobConsole c = console(false);
        c.line("agent", "stdout", "\033[32mgreen\033[0m \033]0;title\007done");
        c.line("agent", "stderr", "progress");
        c.line("runner", "stdout", "Cloning x");
        c.line("hook", "stdout", "npm ci");
        c.summary(Map.of("id", "j", "status", "failed", "error_message", "boom\033[2J"));

        assertThat(out.toString()).isEqualTo("green done\n");
        assertThat(err.toString()).isEqualTo("progress\n[runner] Cloning x\n[hook] npm ci\n[runner] Job j failed: boom\n");
    }

    @Test
    void onATerminalSourcesAndOutcomeHaveColoursAndTheAgentsOwnColoursPass() {
        JobConsole c = console(true);
        c.line("agent", "stdout", "\033[32mgreen\033[0m \033]52;c;eA==\007done");
        c.line("runner", "stdout", "Cloning x");
        c.summary(Map.of("id", "j", "status", "success", "branch", "repobox/j"));

        assertThat(out.toString()).isEqualTo("\033[32mgreen\033[0m done\n");
        assertThat(err.toString()).isEqualTo("\033[36m[runner] Cloning x\033[0m\n"
                + "\033[32m[runner] Job j succeeded on branch repobox/j (+0 −0)\033[0m\n");
    }

    @Test
    void exitCodesFollowTheRecord() {
        assertThat(JobConsole.exitCode(Map.of("status", "success"))).isEqualTo(ExitCodes.SUCCESS);
        assertThat(JobConsole.exitCode(Map.of("status", "cancelled"))).isEqualTo(ExitCodes.CANCELLED);
        assertThat(JobConsole.exitCode(Map.of("status", "failed", "failure_kind", "exit"))).isEqualTo(ExitCodes.AGENT_FAILED);
        assertThat(JobConsole.exitCode(Map.of("status", "failed", "failure_kind", "idle"))).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(JobConsole.exitCode(Map.of("status", "failed", "failure_kind", "internal"))).isEqualTo(ExitCodes.INTERNAL);
    }

    @Test
    void gitPorcelainLinesAreTurnedIntoWords() {
        assertThat(JobConsole.words("*\tHEAD:refs/heads/repobox/abcd1234\t[new branch]")).isEqualTo("The remote has a new branch repobox/abcd1234");
        assertThat(JobConsole.words("!\tHEAD:refs/heads/repobox/abcd1234\t[rejected] (already exists)"))
                .isEqualTo("The remote refused branch repobox/abcd1234: already exists");
        assertThat(JobConsole.words("Cloning into 'x'...")).isEqualTo("Cloning into 'x'...");
    }

}
