package io.repobox.runner.pipeline;

import io.repobox.agent.output.OutputLine;
import io.repobox.agent.output.OutputSink;
import io.repobox.agent.output.SecretMasker;

/** The job's sink for the runner's own lines, with the job's secrets masked. */
public final class MaskingSink implements OutputSink {

    private final OutputSink delegate;
    private final SecretMasker masker;

    MaskingSink(OutputSink delegate, SecretMasker masker) {
        this.delegate = delegate;
        this.masker = masker;
    }

    @Override
    public void accept(OutputLine line) {
        String masked = masker.mask(line.text());
        delegate.accept(masked.equals(line.text()) ? line : new OutputLine(line.timestamp(), line.stream(), line.source(), masked, line.event()));
    }

    public void runner(String text) {
        accept(OutputLine.runner(text));
    }
}
