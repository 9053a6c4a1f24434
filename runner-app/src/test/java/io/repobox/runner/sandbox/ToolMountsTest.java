package io.repobox.runner.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ToolMountsTest {

    @Test
    void anInstallationStartsAboveNodeModulesOrBin() {
        assertThat(ToolMounts.installRoot(Path.of("/srv/app/.tools/claude/node_modules/@anthropic-ai/claude-code/cli.js")))
                .isEqualTo(Path.of("/srv/app/.tools/claude"));
        assertThat(ToolMounts.installRoot(Path.of("/opt/codex/bin/codex"))).isEqualTo(Path.of("/opt/codex"));
        assertThat(ToolMounts.installRoot(Path.of("/home/u/.local/bin/claude"))).isEqualTo(Path.of("/home/u/.local/bin"));
        assertThat(ToolMounts.installRoot(Path.of("/srv/stub/agent.sh"))).isEqualTo(Path.of("/srv/stub"));
    }

    @Test
    void neverTakesInTempDirNorTheSystemAndPathGivesOnlyBinDirectories() {
        Path tempDir = Path.of("/nonexistent/t/work");
        Path repo = tempDir.resolve("job/repo");
        // The stub sits beside TEMP_DIR: only the file itself is mounted, not its directory with every workspace.
        assertThat(ToolMounts.of(Path.of("/nonexistent/t/agent.sh"), "/usr/bin:/nonexistent/t:/", tempDir, repo))
                .containsExactly(Path.of("/nonexistent/t/agent.sh"));
        assertThat(ToolMounts.of(Path.of("/usr/bin/git"), "/usr/bin:/bin", tempDir, repo)).isEmpty();
        assertThat(ToolMounts.of(repo.resolve("run.sh"), "", tempDir, repo)).isEmpty();
    }
}
