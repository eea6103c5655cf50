package clusteremu.node.report;

import clusteremu.node.report.RunData.PhaseData;
import clusteremu.node.run.RecordedDispatcher;
import clusteremu.node.run.RunSettings;
import clusteremu.tiers.dispatcher.Mode;
import clusteremu.tiers.dispatcher.PolicyName;
import clusteremu.tiers.settings.ConfigNamed;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The dispatchers' mode and policy during a phase. They start as launched (settings.json) and
 * keep what a phase's driver switched them to (its summary.json settings, from --mode/--policy)
 * until a later phase switches them again: the driver reconfigures the running dispatchers. (A
 * dispatcher started again, its node restarted or its host recovered, starts as launched: the run
 * does not record that, so the report assumes the switch still holds.) Null where the dispatchers
 * were launched with different ones and no phase has switched them yet.
 */
record InForce(Mode mode, PolicyName policy) {

  static List<InForce> of(RunData data) {
    Mode mode = common(data.settings(), RecordedDispatcher::mode);
    PolicyName policy = common(data.settings(), RecordedDispatcher::policy);
    List<InForce> result = new ArrayList<>();
    for (PhaseData phase : data.phases()) {
      JsonNode set = phase.summary().path("settings");
      mode = set.has("mode") ? ConfigNamed.byName(Mode.class, set.get("mode").asText()).orElseThrow() : mode;
      policy = set.has("policy") ? ConfigNamed.byName(PolicyName.class, set.get("policy").asText()).orElseThrow() : policy;
      result.add(new InForce(mode, policy));
    }
    return result;
  }

  /** What every dispatcher was launched with, or null when they differ (or there is none). */
  private static <T> T common(RunSettings settings, Function<RecordedDispatcher, T> setting) {
    List<T> values = settings.dispatchers().stream().map(setting).distinct().toList();
    return values.size() == 1 ? values.get(0) : null;
  }

  String modeName() {
    return mode == null ? "mixed" : mode.configName();
  }

  String policyName() {
    return policy == null ? "mixed" : policy.configName();
  }
}
