package io.repobox.runner.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.repobox.runner.git.TrustedRepository;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitStepTest {

    @Test
    void theSubjectIsThePromptsFirstLineAtMost72Characters() {
        assertThat(CommitStep.commitMessage("j1", "  Add a note\nwith details")).isEqualTo(
                "Add a note\n\nMade by the repobox runner for job j1.\n");
        assertThat(CommitStep.commitMessage("j1", "\n  \n")).startsWith("repobox job j1\n\n");
        String subject = CommitStep.commitMessage("j1", "x".repeat(100)).lines().findFirst().orElseThrow();
        assertThat(subject).hasSize(72).endsWith("…");
    }

    @Test
    void numstatCountsFilesAndLinesAndBinaryFilesAsFilesOnly() {
        TrustedRepository.Changes stat = TrustedRepository.Changes.parse(List.of("3\t1\tREADME.md", "-\t-\tlogo.png", "0\t5\tsrc/A.java", "garbage"));

        assertThat(stat).isEqualTo(new TrustedRepository.Changes(3, 3, 6));
        assertThat(TrustedRepository.Changes.parse(List.of())).isEqualTo(new TrustedRepository.Changes(0, 0, 0));
    }
}
