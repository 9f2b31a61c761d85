package org.multimaster.runtime;

import org.multimaster.db.MasterModel;

/**
 * Extra cleanup after a master has been marked inactive, e.g. finishing its running builds as
 * RETRY. The master's link rows are already deleted when this is called.
 *
 * <p>Called exactly once per deactivation across all masters: only by the master whose state
 * change won. Called on the runtime's heartbeat thread; an exception is logged and does not stop
 * the heartbeat or the other listeners. Implementations must be thread-safe if shared.
 */
@FunctionalInterface
public interface HousekeepingListener {

    /**
     * Cleans up after a master.
     *
     * @param master the master as it was just before it was marked inactive
     */
    void housekeep(MasterModel master);
}
