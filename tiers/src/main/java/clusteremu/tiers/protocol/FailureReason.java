package clusteremu.tiers.protocol;

/** The reasons a tier gives when it fails a request; they show up in the driver's summary. */
public final class FailureReason {
  public static final String DISPATCHER_QUEUE_FULL = "dispatcher-queue-full";
  /** More requests wait for the dispatcher's CPU than its max-queue: refused at once, costing nothing. */
  public static final String OVERLOADED = "overloaded";
  public static final String NO_APP_SERVER = "no-app-server";
  public static final String APP_SERVER_LOST = "app-server-lost";
  public static final String APP_SERVER_QUEUE_FULL = "app-server-queue-full";
  /** The app server held the request longer than the dispatcher's server-timeout. */
  public static final String APP_SERVER_TIMEOUT = "app-server-timeout";
  public static final String NO_DATA_SERVER = "no-data-server";
  public static final String DATA_SERVER_LOST = "data-server-lost";
  /** The data VM that owns the key is not in the cluster now; the key is not served elsewhere. */
  public static final String DATA_UNAVAILABLE = "data-unavailable";
  public static final String DATA_SERVER_QUEUE_FULL = "data-server-queue-full";
  public static final String DATA_TIMEOUT = "data-timeout";
  /** With replication, the key's other holder did not acknowledge the write in time: it is applied at one, acknowledged at none. */
  public static final String REPLICA_TIMEOUT = "replica-timeout";
  public static final String DISPATCHER_LOST = "dispatcher-lost";

  private FailureReason() {}
}
