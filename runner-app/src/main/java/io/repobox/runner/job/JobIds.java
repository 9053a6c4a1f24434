package io.repobox.runner.job;

import java.util.regex.Pattern;

/**
 * Job ids become parts of Redis keys, workspace paths and branch names, so they are checked before
 * any of that: letters, digits, '-' and '_', 1 to 128 characters (UUIDs and the like). Anything
 * else, such as {@code ../../etc}, is rejected.
 */
public final class JobIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private JobIds() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** A quoted, bounded, printable form of a possibly hostile id for messages and logs. */
    public static String quote(String id) {
        if (id == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("'");
        id.codePoints().limit(80).forEach(c -> out.append(c < 0x20 || c == 0x7f ? '?' : Character.toString(c)));
        return out.append(id.length() > 80 ? "…'" : "'").toString();
    }

    /** The branch for a job's changes: {@code repobox/<first 8 characters of the id>}. */
    public static String branch(String id) {
        return "repobox/" + id.substring(0, Math.min(8, id.length()));
    }
}
