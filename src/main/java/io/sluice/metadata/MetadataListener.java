package io.sluice.metadata;

/** Told of every new image, in order, on the metadata publishing thread. */
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage next);
}
