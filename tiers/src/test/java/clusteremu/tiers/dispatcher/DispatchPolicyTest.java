package clusteremu.tiers.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DispatchPolicyTest {

  /** Backends with the given outstanding counts; the server refs are not needed to choose. */
  private static List<Backend> backends(int... outstanding) {
    List<Backend> list = new ArrayList<>();
    for (int o : outstanding) {
      Backend b = new Backend(null);
      b.outstanding = o;
      list.add(b);
    }
    return list;
  }

  private static Map<Backend, Integer> choices(DispatchPolicy policy, List<Backend> backends, int n) {
    Map<Backend, Integer> counts = new IdentityHashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(policy.choose(backends), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinVisitsEachServerInTurnWhateverItsLoad() {
    List<Backend> backends = backends(0, 50, 100);
    DispatchPolicy policy = PolicyName.ROUND_ROBIN.newPolicy(new SplittableRandom(1));
    Backend first = policy.choose(backends);
    Backend second = policy.choose(backends);
    Backend third = policy.choose(backends);
    assertEquals(3, new java.util.HashSet<>(java.util.Arrays.asList(first, second, third)).size());
    assertSame(first, policy.choose(backends));
  }

  @Test
  void randomSpreadsEvenly() {
    List<Backend> backends = backends(0, 0, 0, 0);
    Map<Backend, Integer> counts = choices(PolicyName.RANDOM.newPolicy(new SplittableRandom(7)), backends, 40_000);
    for (Backend b : backends) {
      assertEquals(10_000, counts.get(b), 400, "each of 4 servers gets about a quarter");
    }
  }

  @Test
  void leastOutstandingAlwaysPicksTheLeastLoaded() {
    List<Backend> backends = backends(5, 2, 9, 3);
    DispatchPolicy policy = PolicyName.LEAST_OUTSTANDING.newPolicy(new SplittableRandom(1));
    for (int i = 0; i < 10; i++) {
      assertSame(backends.get(1), policy.choose(backends));
    }
  }

  @Test
  void leastOutstandingSharesTiesInsteadOfPilingOntoTheFirst() {
    List<Backend> backends = backends(0, 0, 0);
    Map<Backend, Integer> counts = choices(PolicyName.LEAST_OUTSTANDING.newPolicy(new SplittableRandom(1)), backends, 300);
    assertEquals(3, counts.size());
  }

  @Test
  void powerOfTwoNeverPicksTheMostLoadedAndPrefersTheLeast() {
    // Two random distinct servers of four, the less loaded wins: the least loaded is in the pair
    // with probability 1 - C(3,2)/C(4,2) = 1/2 (random choice would give 1/4), the most loaded never wins.
    List<Backend> backends = backends(0, 10, 20, 30);
    Map<Backend, Integer> counts = choices(PolicyName.POWER_OF_TWO.newPolicy(new SplittableRandom(3)), backends, 40_000);
    assertEquals(20_000, counts.get(backends.get(0)), 600);
    assertEquals(null, counts.get(backends.get(3)));
  }

  @Test
  void powerOfTwoWithTwoServersAlwaysPicksTheLessLoaded() {
    List<Backend> backends = backends(7, 3);
    DispatchPolicy policy = PolicyName.POWER_OF_TWO.newPolicy(new SplittableRandom(5));
    for (int i = 0; i < 100; i++) {
      assertSame(backends.get(1), policy.choose(backends));
    }
  }

  @Test
  void everyPolicyCopesWithASingleServer() {
    for (PolicyName name : PolicyName.values()) {
      List<Backend> one = backends(4);
      assertTrue(name.newPolicy(new SplittableRandom(1)).choose(one) == one.get(0), name.configName());
    }
  }
}
