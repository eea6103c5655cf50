package clusteremu.node.bench;

import clusteremu.node.scenario.Scenario;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The emulated costs of a scenario that are not zero, each as its key and value. The throughput
 * benchmarks measure the emulator's own cost, so they refuse a scenario in which a tier spends
 * emulated CPU (a dispatcher's request or reply demand, an app or data server's demand, wherever
 * set: the scenario's block, a node's or a VM's) or a link makes a message wait for its latency:
 * with a fixed number of requests in flight, either caps the rate at what the model predicts.
 * Link bandwidths stay: a message's transfer time is the network model's own work, what
 * bench-datacenter weighs, and at the benchmark's message sizes it is microseconds.
 */
final class EmulatedCosts {
  private EmulatedCosts() {}

  /** Keys under {@code clusteremu} whose duration is a tier's emulated CPU demand. */
  private static final List<String> DEMANDS = List.of("request-demand", "reply-demand", "demand.mean");

  /** Every non-zero emulated cost of the scenario, as {@code key = value}, in key order. */
  static List<String> nonZero(Scenario scenario) {
    Config emu = scenario.config().getConfig("clusteremu");
    // Without a datacenter nothing is sent over links (reference.conf's latencies are not used).
    boolean links = scenario.datacenter().isPresent();
    Map<String, ConfigValue> found = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> entry : emu.entrySet()) {
      String key = entry.getKey();
      boolean cost = DEMANDS.stream().anyMatch(d -> key.equals(d) || key.endsWith("." + d))
          || (links && key.startsWith("datacenter.") && key.endsWith(".latency"));
      if (cost && emu.getDuration(key).toNanos() != 0) {
        found.put(key, entry.getValue());
      }
    }
    List<String> costs = new ArrayList<>();
    found.forEach((key, value) -> costs.add("clusteremu." + key + " = " + value.unwrapped()));
    return costs;
  }

  /** The benchmark's one-line refusal, or null when every emulated cost is zero and time is real. */
  static String refusal(Scenario scenario) {
    if (scenario.timeDilation().dilated()) {
      return scenario.file() + " sets clusteremu.time-dilation = " + scenario.timeDilation().factor()
          + "; the benchmark measures the real machine in real time: use a scenario with time-dilation = 1";
    }
    List<String> costs = nonZero(scenario);
    if (costs.isEmpty()) {
      return null;
    }
    return scenario.file() + " has emulated costs that are not zero, so the benchmark would measure the model, not the emulator: "
        + String.join(", ", costs);
  }
}
