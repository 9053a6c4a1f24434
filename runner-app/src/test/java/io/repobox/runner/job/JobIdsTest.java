package io.repobox.runner.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobIdsTest {

    @Test
    void acceptsIdsThatAreSafeInKeysPathsAndBranches() {
        assertThat(JobIds.isValid("3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b")).isTrue();
        assertThat(JobIds.isValid("job_42")).isTrue();
    }

    @Test
    void rejectsEverythingElse() {
        for (String bad : new String[] {null, "", "../../etc", "a/b", "-rf", ".hidden", "a b", "x\ny", "é", "a".repeat(129)}) {
            assertThat(JobIds.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void quotesHostileIdsSafelyAndNamesTheBranch() {
        assertThat(JobIds.quote("../x\n")).isEqualTo("'../x?'");
        assertThat(JobIds.quote(null)).isEqualTo("(none)");
        assertThat(JobIds.branch("3f2a9c1e-4b5d")).isEqualTo("repobox/3f2a9c1e");
    }
}
