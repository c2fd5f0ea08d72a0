package io.sluice.cli;

/** An expected failure (bad input, missing topic, refused storage): printed as {@code Error: message}, exit code 1. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
