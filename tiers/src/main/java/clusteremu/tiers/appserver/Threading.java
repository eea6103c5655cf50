package clusteremu.tiers.appserver;

import clusteremu.tiers.settings.ConfigNamed;

/**
 * How an app server's threads serve requests, after the lecture notes' table of server models.
 */
public enum Threading implements ConfigNamed {
  /** One request at a time, blocked while it waits on the data tier: no parallelism, blocking. */
  SINGLE_THREADED("single-threaded"),
  /**
   * A dispatcher thread hands each request to one of N workers, which blocks on its data calls:
   * parallelism, blocking. Requests wait for a free worker.
   */
  THREAD_POOL("thread-pool"),
  /**
   * A finite-state machine on a few event-loop threads that never block: a request waiting on the
   * data tier holds no thread. Parallelism, non-blocking.
   */
  EVENT_DRIVEN("event-driven");

  private final String configName;

  Threading(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
  }
}
