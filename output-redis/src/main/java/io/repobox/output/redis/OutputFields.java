package io.repobox.output.redis;

/**
 * The field names and fixed values of a job's output entries ({@code job:{id}:output}), as the
 * contract names them; the writer and every reader use these.
 */
public final class OutputFields {

    /** Epoch milliseconds when the line was read. */
    public static final String TIMESTAMP = "timestamp";
    /** {@code stdout} or {@code stderr}. */
    public static final String STREAM = "stream";
    /** Who printed the line: {@code agent}, {@code runner} (or {@code hook}). */
    public static final String SOURCE = "source";
    /** The text, without its newline. */
    public static final String LINE = "line";
    /** The raw agent event (JSON) the line was rendered from, where there is one. */
    public static final String EVENT = "event";
    /** {@link #TYPE_LINE} (also when missing) or {@link #TYPE_END}. */
    public static final String TYPE = "type";
    /** On the end marker: the job's final status. */
    public static final String STATUS = "status";
    /** On the notice that lines were left out: {@link #NOTICE_TRUNCATED}. */
    public static final String NOTICE = "notice";
    /** On the truncation notice: how many lines were left out. */
    public static final String DROPPED = "dropped";

    public static final String TYPE_LINE = "line";
    public static final String TYPE_END = "end";
    public static final String NOTICE_TRUNCATED = "truncated";

    private OutputFields() {
    }
}
