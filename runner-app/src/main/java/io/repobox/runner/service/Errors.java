package io.repobox.runner.service;

/** Wording of exceptions for logs and messages. */
final class Errors {

    private Errors() {
    }

    /** The message of the innermost cause (Lettuce wraps the interesting one several levels deep). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
