package clusteremu.tiers.dispatcher;

import clusteremu.tiers.settings.ConfigNamed;
import java.util.SplittableRandom;

/** The dispatch policies a user can choose, by their configuration names. */
public enum PolicyName implements ConfigNamed {
  ROUND_ROBIN("round-robin"),
  RANDOM("random"),
  LEAST_OUTSTANDING("least-outstanding"),
  POWER_OF_TWO("power-of-two");

  private final String configName;

  PolicyName(String configName) {
    this.configName = configName;
  }

  @Override
  public String configName() {
    return configName;
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
