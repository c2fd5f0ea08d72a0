package io.sluice.cli;

import java.util.concurrent.Callable;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;

/** {@code sluice storage random-uuid}: a new cluster id in Kafka's URL-safe base64 form. */
@Command(name = "random-uuid", mixinStandardHelpOptions = true,
        description = "Print a random UUID usable as a cluster id (22 characters of URL-safe base64, as kafka-storage prints).")
public class RandomUuidCommand implements Callable<Integer> {
    private final Io io;

    public RandomUuidCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.out().println(Uuid.randomUuid());
        return 0;
    }
}
