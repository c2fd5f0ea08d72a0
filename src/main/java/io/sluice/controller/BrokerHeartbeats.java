package io.sluice.controller;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the active controller remembers of each broker's liveness, in memory only: when it last
 * heard a heartbeat and whether the broker asked to shut down. None of it is metadata: a new
 * active controller starts over and gives every broker a full session, so a failover never fences
 * a broker that was heartbeating to the old controller.
 *
 * <p>Confined to the controller thread.
 */
final class BrokerHeartbeats {
    private final long sessionTimeoutMs;
    private final Map<Integer, Session> sessions = new HashMap<>();
    private boolean active;

    /** One registration's session: a broker that registers again (a new epoch) starts a new one. */
    private static final class Session {
        final long epoch;
        long lastContactMs;
        boolean heard;
        boolean shuttingDown;

        Session(long epoch, long lastContactMs) {
            this.epoch = epoch;
            this.lastContactMs = lastContactMs;
        }
    }

    BrokerHeartbeats(long sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /**
     * Follows this node's controller state; on becoming active every session starts afresh, since
     * the heartbeats the previous controller received are not known here.
     */
    void observeActive(boolean nowActive) {
        if (nowActive && !active) {
            sessions.clear();
        }
        active = nowActive;
    }

    /** A heartbeat from the broker's registration of this epoch. */
    void touch(int brokerId, long epoch, long nowMs) {
        Session s = session(brokerId, epoch, nowMs);
        s.lastContactMs = nowMs;
        s.heard = true;
    }

    /**
     * Whether this controller heard the broker's registration of this epoch heartbeat within its session,
     * and it is not shutting down: evidence that the process is alive. A session this controller only
     * granted (on activation, or at registration) is no such evidence: all nodes may have restarted.
     */
    boolean heardAlive(int brokerId, long epoch, long nowMs) {
        Session s = sessions.get(brokerId);
        return s != null && s.epoch == epoch && s.heard && !s.shuttingDown
                && nowMs - s.lastContactMs <= sessionTimeoutMs;
    }

    void beginShutdown(int brokerId, long epoch, long nowMs) {
        session(brokerId, epoch, nowMs).shuttingDown = true;
    }

    /** Whether the broker is in controlled shutdown: it is no longer a candidate for leadership or the ISR. */
    boolean isShuttingDown(int brokerId) {
        Session s = sessions.get(brokerId);
        return s != null && s.shuttingDown;
    }

    /**
     * Whether the broker's session ran out; a registration not seen before starts its session now, so
     * a broker gets a full session from its registration (or from this controller's activation).
     */
    boolean expired(int brokerId, long epoch, long nowMs) {
        return nowMs - session(brokerId, epoch, nowMs).lastContactMs > sessionTimeoutMs;
    }

    /** Drops the sessions of brokers that are no longer registered. */
    void retainOnly(Set<Integer> registered) {
        sessions.keySet().retainAll(registered);
    }

    private Session session(int brokerId, long epoch, long nowMs) {
        Session s = sessions.get(brokerId);
        if (s == null || s.epoch != epoch) {
            s = new Session(epoch, nowMs);
            sessions.put(brokerId, s);
        }
        return s;
    }
}
