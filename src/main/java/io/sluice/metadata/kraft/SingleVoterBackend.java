package io.sluice.metadata.kraft;

import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.proto.MetadataRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The kraft backend as a single voter: this node is the whole quorum, so it is always the active
 * controller and a record is committed once it is fsynced to the local log under
 * {@code <metadataLogDir>/__cluster_metadata-0/}.
 *
 * <p>Threading: one daemon thread, {@code sluice-metadata}, owns the log and the publisher. It
 * replays on start, and for each write replays onto a delta (refusing a batch that does not
 * fit), appends and fsyncs, publishes to the listeners, then completes the write's future. The
 * Raft quorum will replace {@link MetadataLogFile} with the replicated log; the delta and
 * publisher path stays as is.
 */
public final class SingleVoterBackend implements MetadataBackend {
    public static final String LOG_DIR_NAME = "__cluster_metadata-0";

    private final Path metadataLogDir;
    private final int nodeId;
    private final Optional<String> expectedClusterId;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-metadata");
        t.setDaemon(true);
        return t;
    });
    private volatile Thread metadataThread;
    private volatile MetadataImage image;
    private volatile boolean active;
    // Confined to the metadata thread.
    private MetadataPublisher publisher;
    private MetadataLogFile log;

    /** A backend that accepts whichever cluster id the storage was formatted with. */
    public SingleVoterBackend(Path metadataLogDir, int nodeId) {
        this(metadataLogDir, nodeId, Optional.empty());
    }

    /** A backend that refuses to start on storage formatted for a cluster other than {@code expectedClusterId}. */
    public SingleVoterBackend(Path metadataLogDir, int nodeId, Optional<String> expectedClusterId) {
        this.metadataLogDir = metadataLogDir;
        this.nodeId = nodeId;
        this.expectedClusterId = expectedClusterId;
        this.image = MetadataImage.empty(expectedClusterId.orElse(null));
        thread.execute(() -> metadataThread = Thread.currentThread());
    }

    /**
     * Formats the storage: writes {@code meta.properties}. Formatting again with the same values
     * is a no-op (so a single node can format itself on every start); different values are refused.
     */
    public static void format(Path logDir, String clusterId, int nodeId) {
        MetaProperties wanted = new MetaProperties(clusterId, nodeId);
        Optional<MetaProperties> existing = MetaProperties.read(logDir);
        if (existing.isPresent()) {
            existing.get().requireSame(wanted, logDir);
        } else {
            wanted.write(logDir);
        }
    }

    @Override
    public void start() {
        MetaProperties meta = MetaProperties.read(metadataLogDir).orElseThrow(() -> new IllegalStateException(
                metadataLogDir + " is not formatted (no " + MetaProperties.FILE_NAME + "); run `sluice storage format`"));
        meta.requireSame(new MetaProperties(expectedClusterId.orElse(meta.clusterId()), nodeId), metadataLogDir);
        runOnMetadataThread(() -> {
            MetadataImage empty = MetadataImage.empty(meta.clusterId()).withControllerId(nodeId);
            // Batch by batch, each at its own offset, as it was applied when written (broker epochs are offsets).
            MetadataImage[] replaying = {empty};
            try {
                log = MetadataLogFile.open(metadataLogDir.resolve(LOG_DIR_NAME),
                        batch -> replaying[0] = MetadataDelta.replay(replaying[0], batch.getRecordsList(),
                                batch.getBaseOffset() + batch.getRecordsCount() - 1));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot open the metadata log in " + metadataLogDir, e);
            }
            MetadataImage replayed = replaying[0];
            if (publisher == null) {
                publisher = new MetadataPublisher(empty);
            }
            image = replayed;
            active = true;
            publisher.publish(replayed);
        });
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        // On the metadata thread, so the listener slots into the publishing order exactly; the
        // caller waits so that when this returns the listener has seen the current image.
        if (Thread.currentThread() == metadataThread) {
            addListenerNow(listener);
        } else {
            runOnMetadataThread(() -> addListenerNow(listener));
        }
    }

    private void addListenerNow(MetadataListener listener) {
        if (publisher == null) {
            // Not started yet: the start image is published to it like to everyone else.
            publisher = new MetadataPublisher(MetadataImage.empty(image.clusterId()).withControllerId(nodeId));
        }
        publisher.addListener(listener);
    }

    @Override
    public CompletableFuture<Long> write(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Empty metadata batch"));
        }
        List<MetadataRecord> batch = List.copyOf(records);
        try {
            return CompletableFuture.supplyAsync(() -> writeNow(batch), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("The metadata backend is closed"));
        }
    }

    private long writeNow(List<MetadataRecord> records) {
        if (!active) {
            throw new IllegalStateException("The metadata backend is not started or is closed");
        }
        MetadataDelta delta = new MetadataDelta(image);
        records.forEach(delta::replay);
        long lastOffset;
        try {
            lastOffset = log.append(records);
        } catch (IOException e) {
            throw new UncheckedIOException("Metadata log append failed", e);
        }
        MetadataImage next = delta.apply(lastOffset);
        image = next;
        publisher.publish(next);
        return lastOffset;
    }

    @Override
    public boolean isActiveController() {
        return active;
    }

    @Override
    public void close() {
        active = false;
        try {
            runOnMetadataThread(() -> {
                if (log != null) {
                    try {
                        log.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } finally {
            thread.shutdown();
        }
    }

    /** Runs the task on the metadata thread and waits, rethrowing its own exception unwrapped. */
    private void runOnMetadataThread(Runnable task) {
        try {
            CompletableFuture.runAsync(task, thread).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
