package io.sluice.testing;

/**
 * Ends a test-spawned JVM when the test JVM that started it is gone. The parent keeps our stdin
 * open as a pipe and writes nothing, so EOF on stdin means it died (or closed us on purpose).
 */
final class ParentWatch {
    private ParentWatch() {
    }

    static void exitWhenStdinCloses(String who) {
        Thread guard = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; EOF means it is gone
                }
            } catch (java.io.IOException ignored) {
                // same as EOF
            }
            // System.exit, not halt: Process.destroy() (SIGTERM) also closes our stdin, and a halt
            // here would cut the clean shutdown short. exit waits for a shutdown already under way.
            System.err.println(who + ": stdin closed; exiting");
            System.exit(3);
        }, "orphan-guard");
        guard.setDaemon(true);
        guard.start();
    }
}
