package org.multimaster.db;

/**
 * A scheduler or change source is already claimed by another active master.
 *
 * <p>Expected while another master runs the component; the claim can be retried once that master
 * has stopped or been expired.
 */
public class AlreadyClaimedException extends MultimasterException {

    private static final long serialVersionUID = 1L;

    private final long componentId;
    private final long ownerId;
    private final String ownerName;

    public AlreadyClaimedException(String component, long componentId, long ownerId, String ownerName) {
        super(component + " " + componentId + " is already claimed by master " + ownerId + " ('" + ownerName
                + "'); it can be claimed once that master stops or is expired");
        this.componentId = componentId;
        this.ownerId = ownerId;
        this.ownerName = ownerName;
    }

    /** The id of the scheduler or change source. */
    public long componentId() {
        return componentId;
    }

    /** The id of the master that owns it. */
    public long ownerId() {
        return ownerId;
    }

    /** The name of the master that owns it. */
    public String ownerName() {
        return ownerName;
    }
}
