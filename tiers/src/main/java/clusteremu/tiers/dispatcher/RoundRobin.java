package clusteremu.tiers.dispatcher;

import java.util.List;

/** Each app server in turn, whatever its load. */
final class RoundRobin implements DispatchPolicy {
  private int next;

  @Override
  public Backend choose(List<Backend> backends) {
    next = (next + 1) % backends.size();
    return backends.get(next);
  }
}
