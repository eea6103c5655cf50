package clusteremu.tiers.demand;

import clusteremu.tiers.settings.Checked;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A service-demand distribution: how much emulated CPU time one request costs. Configured as
 * {@code { distribution = constant|exponential|lognormal, mean = 2ms, sigma = 0.5 }}; sigma is
 * the standard deviation of the underlying normal and only used by lognormal, whose mean is kept
 * at {@code mean} whatever sigma is.
 */
public interface Demand {

  /** One sample, in nanoseconds. */
  long sampleNanos(SplittableRandom random);

  /** The distribution's mean, in nanoseconds. */
  long meanNanos();

  /** Its name in configuration: constant, exponential or lognormal. */
  String distribution();

  /** The lognormal's sigma; 0 for the others, which have no shape to set. */
  default double sigma() {
    return 0;
  }

  static Demand constant(Duration mean) {
    long nanos = mean.toNanos();
    return new Demand() {
      public long sampleNanos(SplittableRandom random) {
        return nanos;
      }

      public long meanNanos() {
        return nanos;
      }

      public String distribution() {
        return "constant";
      }

      public String toString() {
        return "constant(" + mean + ")";
      }
    };
  }

  static Demand exponential(Duration mean) {
    long nanos = mean.toNanos();
    return new Demand() {
      public long sampleNanos(SplittableRandom random) {
        return Math.round(-Math.log(1.0 - random.nextDouble()) * nanos);
      }

      public long meanNanos() {
        return nanos;
      }

      public String distribution() {
        return "exponential";
      }

      public String toString() {
        return "exponential(" + mean + ")";
      }
    };
  }

  static Demand lognormal(Duration mean, double sigma) {
    long nanos = mean.toNanos();
    // E[X] = exp(mu + sigma^2 / 2), so this mu keeps the configured mean.
    double mu = Math.log(nanos) - sigma * sigma / 2;
    return new Demand() {
      public long sampleNanos(SplittableRandom random) {
        return Math.round(Math.exp(mu + sigma * gaussian(random)));
      }

      public long meanNanos() {
        return nanos;
      }

      public String distribution() {
        return "lognormal";
      }

      public double sigma() {
        return sigma;
      }

      public String toString() {
        return "lognormal(" + mean + ", sigma " + sigma + ")";
      }
    };
  }

  /**
   * Reads a demand block; errors name the key, what was expected, and where the value itself was
   * written (the block's own origin would be a merge of the user's file and reference.conf).
   */
  static Demand fromConfig(Config config, String path) {
    Config block = config.getConfig(path);
    Duration mean = block.getDuration("mean");
    if (mean.isNegative()) {
      throw Checked.bad(config, path + ".mean", "expected a duration of zero or more, got " + mean);
    }
    String distribution = block.getString("distribution");
    switch (distribution) {
      case "constant":
        return constant(mean);
      case "exponential":
        return exponential(mean);
      case "lognormal":
        double sigma = block.getDouble("sigma");
        if (!(sigma >= 0)) {
          throw Checked.bad(config, path + ".sigma", "expected a number of zero or more, got " + sigma);
        }
        return lognormal(mean, sigma);
      default:
        throw Checked.bad(
            config, path + ".distribution", "expected one of constant, exponential, lognormal; got '" + distribution + "'");
    }
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
