package io.repobox.output.redis;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a job's output stream, as a reader sees it.
 *
 * @param id     the entry id: the resume cursor (an SSE {@code Last-Event-ID})
 * @param fields every field of the entry, for readers that want more than the typed accessors
 */
public record OutputEntry(String id, Map<String, String> fields) {

    public OutputEntry {
        Objects.requireNonNull(id, "id");
        fields = Map.copyOf(fields);
    }

    /** {@code line} (also when the field is missing, as the contract says) or {@code end}. */
    public String type() {
        return fields.getOrDefault(OutputFields.TYPE, OutputFields.TYPE_LINE);
    }

    public boolean isEnd() {
        return OutputFields.TYPE_END.equals(type());
    }

    /** The line's text; empty for the end marker. */
    public String line() {
        return fields.getOrDefault(OutputFields.LINE, "");
    }

    /** {@code stdout} or {@code stderr}. */
    public String stream() {
        return fields.getOrDefault(OutputFields.STREAM, "stdout");
    }

    /** {@code agent} or {@code runner}. */
    public String source() {
        return fields.getOrDefault(OutputFields.SOURCE, "agent");
    }

    /** The raw agent event (JSON) the line was rendered from, if the entry carries one. */
    public Optional<String> event() {
        return Optional.ofNullable(fields.get(OutputFields.EVENT));
    }

    /** The job's final status, on the end marker; empty otherwise. */
    public String status() {
        return fields.getOrDefault(OutputFields.STATUS, "");
    }

    /** Epoch milliseconds, or 0 if the entry has none. */
    public long timestamp() {
        try {
            return Long.parseLong(fields.getOrDefault(OutputFields.TIMESTAMP, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
