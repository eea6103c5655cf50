package clusteremu.node.run;

import clusteremu.tiers.demand.Demand;

/** A service demand as a component drew it: the distribution, its mean and the lognormal's sigma (0 for the others). */
public record RecordedDemand(String distribution, double meanMs, double sigma) {

  static RecordedDemand of(Demand demand) {
    return new RecordedDemand(demand.distribution(), Millis.of(demand.meanNanos()), demand.sigma());
  }

  public long meanNanos() {
    return Millis.nanos(meanMs);
  }
}
