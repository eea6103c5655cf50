package clusteremu.tiers.dispatcher;

import java.util.List;

/**
 * The app server holding the fewest of this dispatcher's requests; ties go to the next one after
 * the last choice, so equal servers share the load instead of the first taking it all.
 */
final class LeastOutstanding implements DispatchPolicy {
  private int start;

  @Override
  public Backend choose(List<Backend> backends) {
    int n = backends.size();
    start = (start + 1) % n;
    Backend best = backends.get(start);
    for (int i = 1; i < n; i++) {
      Backend candidate = backends.get((start + i) % n);
      if (candidate.outstanding < best.outstanding) {
        best = candidate;
      }
    }
    return best;
  }
}
