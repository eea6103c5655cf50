package clusteremu.tiers.dispatcher;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Two distinct app servers at random, the less loaded of the two wins (Mitzenmacher's "power of
 * two choices"): nearly the balance of least-outstanding at the cost of looking at two servers.
 */
final class PowerOfTwoChoices implements DispatchPolicy {
  private final SplittableRandom random;

  PowerOfTwoChoices(SplittableRandom random) {
    this.random = random;
  }

  @Override
  public Backend choose(List<Backend> backends) {
    int n = backends.size();
    if (n == 1) {
      return backends.get(0);
    }
    int first = random.nextInt(n);
    int second = random.nextInt(n - 1);
    if (second >= first) {
      second++;
    }
    Backend a = backends.get(first);
    Backend b = backends.get(second);
    return b.outstanding < a.outstanding ? b : a;
  }
}
