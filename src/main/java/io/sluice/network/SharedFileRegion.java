package io.sluice.network;

import io.netty.channel.DefaultFileRegion;

/**
 * A Netty file region over a segment file that the log keeps open. Netty closes a region's channel
 * when the region is released; the segment's channel must outlive every response, so this one
 * releases without closing.
 */
final class SharedFileRegion extends DefaultFileRegion {
    SharedFileRegion(ResponseFrame.FileRegion region) {
        super(region.channel(), region.position(), region.count());
    }

    @Override
    protected void deallocate() {
        // the channel belongs to the log segment; it closes it when the segment is closed or deleted
    }
}
