package clusteremu.tiers.dispatcher;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/** The dispatch policies a user can choose, by their configuration names. */
public enum PolicyName {
  ROUND_ROBIN("round-robin"),
  RANDOM("random"),
  LEAST_OUTSTANDING("least-outstanding"),
  POWER_OF_TWO("power-of-two");

  private final String configName;

  PolicyName(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static Optional<PolicyName> byName(String name) {
    return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst();
  }

  /** A fresh policy of this kind; the random ones draw from {@code random}. */
  public DispatchPolicy newPolicy(SplittableRandom random) {
    switch (this) {
      case ROUND_ROBIN:
        return new RoundRobin();
      case RANDOM:
        return backends -> backends.get(random.nextInt(backends.size()));
      case LEAST_OUTSTANDING:
        return new LeastOutstanding();
      case POWER_OF_TWO:
        return new PowerOfTwoChoices(random);
      default:
        throw new IllegalStateException("unhandled policy " + this);
    }
  }
}
