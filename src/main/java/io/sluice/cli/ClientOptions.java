package io.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/** The connection options every client command shares: where the cluster is and how to talk to it. */
public class ClientOptions {
    /** A CLI should fail within seconds, not the clients' default minute, when nothing answers. */
    static final String DEFAULT_API_TIMEOUT_MS = "30000";

    @Option(names = "--bootstrap-server", required = true, paramLabel = "<host:port>",
            description = "The broker(s) to connect to, comma-separated host:port.")
    String bootstrapServer;

    @Option(names = "--command-config", paramLabel = "<file>",
            description = "Client properties (security, timeouts, ...) for the Kafka clients this command uses.")
    Path commandConfig;

    /** The command config file with the bootstrap address on top. */
    Properties clientProperties() {
        Properties props = new Properties();
        if (commandConfig != null) {
            if (!Files.isReadable(commandConfig)) {
                throw new CliException("Cannot read the command config " + commandConfig + ": no such readable file");
            }
            try (InputStream in = Files.newInputStream(commandConfig)) {
                Properties file = new Properties();
                file.load(in);
                props.putAll(file);
            } catch (IOException e) {
                throw new CliException("Cannot read the command config " + commandConfig + ": " + e.getMessage());
            }
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        return props;
    }

    Admin admin() {
        Properties props = clientProperties();
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-cli");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_API_TIMEOUT_MS);
        return Admin.create(props);
    }
}
