package org.multimaster.runtime;

/**
 * Told when this master starts or must stop running a component, so an embedder can start or stop
 * the real scheduler or change source.
 *
 * <p>Called on the runtime's threads; an exception is logged and ignored.
 */
public interface ClaimListener {

    /** This master has claimed the component and should run it. */
    default void claimed(Component component) {}

    /**
     * This master no longer owns the component and must stop running it: it is shutting down, it
     * was declared dead by a peer, or it could not check in for so long that peers may take over.
     *
     * @param component the component
     * @param reason why, for logs
     */
    default void lost(Component component, String reason) {}
}
