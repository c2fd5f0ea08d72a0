package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.function.IntPredicate;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * Broker heartbeats and fencing (KIP-631): answers heartbeats, unfences a broker once it has caught
 * up with its own registration, moves leadership away from a broker in controlled shutdown, and fences
 * a broker whose session ran out, taking leadership and ISR membership away in the same batch.
 */
final class BrokerLiveness {
    private static final Logger LOG = Logger.getLogger(BrokerLiveness.class);

    private final BrokerHeartbeats heartbeats;
    private final UncleanLeaderElection unclean;

    BrokerLiveness(BrokerHeartbeats heartbeats, UncleanLeaderElection unclean) {
        this.heartbeats = heartbeats;
        this.unclean = unclean;
    }

    ControllerResult<BrokerHeartbeatResponseData> heartbeat(MetadataImage image, BrokerHeartbeatRequestData request,
                                                            long nowMs) {
        BrokerHeartbeatResponseData response = new BrokerHeartbeatResponseData().setIsFenced(true);
        int id = request.brokerId();
        BrokerImage broker = image.brokers().get(id);
        if (broker == null) {
            return ControllerResult.of(response.setErrorCode(Errors.BROKER_ID_NOT_REGISTERED.code()));
        }
        if (broker.epoch() != request.brokerEpoch()) {
            return ControllerResult.of(response.setErrorCode(Errors.STALE_BROKER_EPOCH.code()));
        }
        heartbeats.touch(id, broker.epoch(), nowMs);
        boolean caughtUp = request.currentMetadataOffset() >= broker.epoch();
        response.setIsCaughtUp(caughtUp).setIsFenced(broker.fenced());
        List<MetadataRecord> records;
        if (request.wantShutDown()) {
            if (!heartbeats.isShuttingDown(id)) {
                LOG.infof("Broker %d is shutting down: moving its leadership away", id);
            }
            heartbeats.beginShutdown(id, broker.epoch(), nowMs);
            records = PartitionLeadership.moveAway(image, id, PartitionLeadership.eligible(image, heartbeats), false,
                    unclean);
            response.setShouldShutDown(true);
        } else if (request.wantFence()) {
            records = broker.fenced() ? List.of() : fence(image, id);
            response.setIsFenced(true);
        } else if (broker.fenced() && caughtUp) {
            LOG.infof("Broker %d caught up with its registration at offset %d: unfencing it", id, broker.epoch());
            records = new ArrayList<>();
            records.add(MetadataRecords.brokerFenceChange(id, false));
            records.addAll(PartitionLeadership.electLeaderless(image, id, PartitionLeadership.eligible(image, heartbeats),
                    unclean));
            response.setIsFenced(false);
        } else {
            records = List.of();
        }
        return new ControllerResult<>(response, records, error -> response.setErrorCode(error.error().code())
                .setIsFenced(broker.fenced()).setShouldShutDown(false));
    }

    /**
     * The next liveness batch: fencing one broker whose session expired, or finishing the moves away
     * from a fenced broker that still leads (it re-registered fenced, or a write was lost in a failover).
     * Empty when every broker is fine.
     */
    List<MetadataRecord> nextFencing(MetadataImage image, long nowMs) {
        heartbeats.retainOnly(image.brokers().keySet());
        for (BrokerImage broker : image.brokers().values()) {
            if (!broker.fenced() && heartbeats.expired(broker.id(), broker.epoch(), nowMs)) {
                LOG.infof("Broker %d sent no heartbeat within its session: fencing it", broker.id());
                return fence(image, broker.id());
            }
        }
        IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
        for (BrokerImage broker : image.brokers().values()) {
            if (broker.fenced()) {
                List<MetadataRecord> moves = PartitionLeadership.moveAway(image, broker.id(), eligible, true, unclean);
                if (!moves.isEmpty()) {
                    return moves;
                }
            }
        }
        return List.of();
    }

    /**
     * Where a broker's registration is its liveness (zk mode: the ephemeral {@code /brokers/ids/<id>}
     * znode), the next batch: moving leadership and ISR membership away from a broker that is no longer
     * registered, as fencing does, or giving leaderless partitions to a registered broker of their ISR.
     * Empty when every partition is fine.
     */
    List<MetadataRecord> nextRegistrationChange(MetadataImage image) {
        IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
        Set<Integer> gone = new TreeSet<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() != -1 && !image.brokers().containsKey(p.leader())) {
                    gone.add(p.leader());
                }
                p.isr().stream().filter(id -> !image.brokers().containsKey(id)).forEach(gone::add);
            }
        }
        for (int id : gone) {
            List<MetadataRecord> moves = PartitionLeadership.moveAway(image, id, eligible, true, unclean);
            if (!moves.isEmpty()) {
                LOG.infof("Broker %d is no longer registered: moving its leadership and ISR membership away", id);
                return moves;
            }
        }
        for (BrokerImage broker : image.brokers().values()) {
            List<MetadataRecord> elections = broker.fenced() ? List.of()
                    : PartitionLeadership.electLeaderless(image, broker.id(), eligible, unclean);
            if (!elections.isEmpty()) {
                LOG.infof("Broker %d is registered: electing it where partitions have no leader", broker.id());
                return elections;
            }
        }
        return List.of();
    }

    private List<MetadataRecord> fence(MetadataImage image, int brokerId) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.brokerFenceChange(brokerId, true));
        records.addAll(PartitionLeadership.moveAway(image, brokerId, PartitionLeadership.eligible(image, heartbeats),
                true, unclean));
        return records;
    }
}
