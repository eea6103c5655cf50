package clusteremu.tiers.driver;

import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.settings.Checked;
import clusteremu.tiers.settings.ConfigNamed;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What load the driver sends. Open loop when {@code rate} is above zero (requests go at their
 * intended times whatever the cluster does, and latency counts from the intended time, so a
 * stalled cluster cannot hide its stall: no coordinated omission); closed loop with {@code users}
 * otherwise (each user waits for its answer, thinks, and sends again).
 *
 * @param warmup load sent before the measured {@code duration}; counted, but not in the latency
 *     figures or the throughput
 * @param maxInFlight requests on their way at once; a due request waits in the driver past it,
 *     with its latency still counted from its intended time
 * @param dispatchers how many of the dispatchers to spread requests over (the first ones, in a
 *     stable order), or 0 for all of them
 * @param mode dispatcher mode to switch to before the load, or null to keep the cluster's
 * @param policy dispatcher policy to switch to before the load, or null to keep the cluster's
 */
public record LoadSettings(
    double rate,
    Arrivals arrivals,
    int users,
    Duration thinkTime,
    Duration duration,
    Duration warmup,
    Duration timeout,
    double readRatio,
    long keys,
    long seed,
    int maxInFlight,
    int dispatchers,
    Mode mode,
    PolicyName policy) {

  /** How the open loop spaces its requests. */
  public enum Arrivals implements ConfigNamed {
    CONSTANT("constant"),
    POISSON("poisson");

    private final String configName;

    Arrivals(String configName) {
      this.configName = configName;
    }

    @Override
    public String configName() {
      return configName;
    }
  }

  /** The same load with another mode and policy (null keeps the dispatchers' own). */
  public LoadSettings withDispatching(Mode mode, PolicyName policy) {
    return new LoadSettings(rate, arrivals, users, thinkTime, duration, warmup, timeout, readRatio, keys, seed, maxInFlight, dispatchers, mode, policy);
  }

  public boolean openLoop() {
    return rate > 0;
  }

  /** How many of the {@code known} dispatchers the load goes to: the first {@code dispatchers}, or all. */
  int dispatchersUsed(int known) {
    return dispatchers > 0 ? Math.min(dispatchers, known) : known;
  }

  /** The driver's first line: what load it sends, and over how many of the {@code known} dispatchers. */
  String describe(int known) {
    return (openLoop()
            ? String.format("open loop at %.0f req/s (%s arrivals)", rate, arrivals.configName())
            : String.format("closed loop with %d users, think time %d ms", users, thinkTime.toMillis()))
        + String.format(
            " for %s s after %s s warm-up, over %d of %d dispatcher(s)",
            seconds(duration), seconds(warmup), dispatchersUsed(known), known);
  }

  /** A duration in seconds as a person writes it: 30, 0.5, 1.25. */
  public static String seconds(Duration duration) {
    return java.math.BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
  }

  /** The {@code settings} of {@code summary.json}: these settings as run, over {@code known} dispatchers. */
  Map<String, Object> toJson(int known) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("loop", openLoop() ? "open" : "closed");
    if (openLoop()) {
      json.put("rate", rate);
      json.put("arrivals", arrivals.configName());
    } else {
      json.put("users", users);
      json.put("think_time_ms", thinkTime.toMillis());
    }
    json.put("duration_s", duration.toMillis() / 1000.0);
    json.put("warmup_s", warmup.toMillis() / 1000.0);
    json.put("timeout_ms", timeout.toMillis());
    json.put("read_ratio", readRatio);
    json.put("keys", keys);
    json.put("seed", seed);
    json.put("max_in_flight", maxInFlight);
    json.put("dispatchers", known);
    json.put("dispatchers_used", dispatchersUsed(known));
    if (mode != null) {
      json.put("mode", mode.configName());
    }
    if (policy != null) {
      json.put("policy", policy.configName());
    }
    return json;
  }

  /** The defaults of a driver run, from a {@code clusteremu.driver} block (no mode, no policy). */
  public static LoadSettings fromConfig(Config driver) {
    double rate = driver.getDouble("rate");
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw Checked.bad(driver, "rate", "expected requests per second, zero or more, got " + rate);
    }
    int users = Checked.nonNegativeInt(driver, "users");
    if ((rate > 0) == (users > 0)) {
      throw Checked.bad(
          driver,
          "users",
          "expected either rate > 0 and users = 0 (open loop) or rate = 0 and users > 0 (closed loop)");
    }
    return new LoadSettings(
        rate,
        Checked.oneOf(driver, "arrivals", Arrivals.class),
        users,
        Checked.nonNegativeDuration(driver, "think-time"),
        Checked.positiveDuration(driver, "duration"),
        Checked.nonNegativeDuration(driver, "warmup"),
        Checked.positiveDuration(driver, "timeout"),
        Checked.fraction(driver, "read-ratio"),
        Checked.positiveLong(driver, "keys"),
        driver.getLong("seed"),
        Checked.positiveInt(driver, "max-in-flight"),
        Checked.nonNegativeInt(driver, "dispatchers"),
        null,
        null);
  }

  public LoadSettings {
    if ((rate > 0) == (users > 0)) {
      throw new IllegalArgumentException("set either a rate (open loop) or users (closed loop), not both");
    }
  }
}
