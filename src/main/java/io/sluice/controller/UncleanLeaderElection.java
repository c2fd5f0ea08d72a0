package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;

/**
 * Whether a partition may take a leader from outside its ISR when no ISR member is alive, accepting
 * the loss of records only the ISR had: {@code unclean.leader.election.enable} of the topic, else the
 * cluster-wide dynamic broker config, else the controller's own (static) config.
 */
final class UncleanLeaderElection {
    static final String CONFIG = "unclean.leader.election.enable";

    private final boolean staticDefault;

    UncleanLeaderElection(boolean staticDefault) {
        this.staticDefault = staticDefault;
    }

    boolean allowed(MetadataImage image, TopicImage topic) {
        String value = topic.configs().get(CONFIG);
        if (value == null) {
            value = image.brokerConfigs().get(CONFIG);
        }
        return value == null ? staticDefault : Boolean.parseBoolean(value);
    }
}
