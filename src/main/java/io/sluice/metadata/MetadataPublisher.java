package io.sluice.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds the current image and tells listeners of each new one, in order. Confined to the one
 * thread a backend publishes on; the backend makes the image visible to other threads itself.
 */
public final class MetadataPublisher {
    private static final System.Logger LOG = System.getLogger(MetadataPublisher.class.getName());

    private final List<MetadataListener> listeners = new ArrayList<>();
    private final MetadataImage empty;
    private MetadataImage current;
    private boolean published;

    public MetadataPublisher(MetadataImage empty) {
        this.empty = empty;
        this.current = empty;
    }

    /** Adds a listener; once something was published it first receives (empty, current). */
    public void addListener(MetadataListener listener) {
        listeners.add(listener);
        if (published) {
            notify(listener, empty, current);
        }
    }

    public void publish(MetadataImage next) {
        MetadataImage previous = current;
        current = next;
        published = true;
        for (MetadataListener listener : listeners) {
            notify(listener, previous, next);
        }
    }

    // One failing listener must not stop the others from seeing the image, nor fail the write
    // whose records are already durable.
    private static void notify(MetadataListener listener, MetadataImage previous, MetadataImage next) {
        try {
            listener.onImage(previous, next);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Metadata listener " + listener + " failed on image at offset "
                    + next.offset(), e);
        }
    }
}
