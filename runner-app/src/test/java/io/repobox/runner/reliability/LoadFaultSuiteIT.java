package io.repobox.runner.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small profile of the load and fault suite, in every build. */
class LoadFaultSuiteIT {

    @TempDir
    Path dir;

    @Test
    void everyInvariantHoldsUnderLoadAndFaults() throws Exception {
        LoadFaultSuite.Report report = new LoadFaultSuite(LoadFaultSuite.Profile.SMALL, dir).run();

        System.out.println(report.table());
        assertThat(report.violations()).as(report.table()).isEmpty();
        assertThat(report.faults()).hasSize(4);
        assertThat(report.statuses()).containsKey("success");
    }
}
