package io.repobox.runner.bench;

import io.repobox.runner.pipeline.Workspaces;
import java.nio.file.Files;
import java.nio.file.Path;

/** The benchmarks' working directory: made under the system temp directory, removed when the benchmark ends, however it ends. */
final class ScratchDirectory {

    /** What a benchmark measures in its directory. */
    interface Body {
        void run(Path dir) throws Exception;
    }

    private ScratchDirectory() {
    }

    static void run(String prefix, Body body) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        try {
            body.run(dir);
        } finally {
            Workspaces.delete(dir);
        }
    }
}
