package io.sluice.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for nodes that restart on the port they had. They come from below the kernel's ephemeral
 * range: a port the kernel handed out with {@code bind(0)} can be given next to a client's outgoing
 * connection while the node is down, and the restart then fails with "Address already in use".
 */
public final class FreePorts {
    private static final int LOWEST = 20_000;
    private static final int EPHEMERAL_LOW = ephemeralLow();
    /** Successive ports from a random start, so two calls in this JVM never return the same one. */
    private static final AtomicInteger NEXT = new AtomicInteger(
            ThreadLocalRandom.current().nextInt(EPHEMERAL_LOW - LOWEST));

    private FreePorts() {}

    /** A port that no one was listening on a moment ago, outside the ephemeral range. */
    public static int reusable() {
        int span = EPHEMERAL_LOW - LOWEST;
        for (int attempt = 0; attempt < span; attempt++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), span);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // someone else's: try the next one
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + EPHEMERAL_LOW);
    }

    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1000 ? low : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }
}
