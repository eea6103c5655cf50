package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.Guests;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.host.Host;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.datacenter.placement.VmAddresses;
import clusteremu.node.datacenter.vm.Vm;
import clusteremu.node.metrics.MetricsLog;
import clusteremu.tiers.dataserver.Partitioning;
import clusteremu.node.scenario.ScenarioLoader;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.metrics.ComponentCounters;
import clusteremu.tiers.request.Operation;
import clusteremu.tiers.request.Reply;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Saturation of the three app-server threading models against their analytic answers, on the
 * real emulation (a VM's vCPUs in processor sharing, data calls over an emulated link) inside one
 * JVM. A closed loop of many clients keeps the server saturated; its throughput is measured over
 * eight seconds after one and a half of warm-up.
 *
 * <p>App server: 2 vCPUs, constant demand s = 100 ms. Data calls cross a route of 20 ms each
 * way and cost the data server 0.1 ms. Every step also costs real time the emulation cannot hide
 * (waking a parked thread takes up to milliseconds on a small VM at light load), so the wait d of
 * a blocking thread is taken as measured, the mean round trip of its data calls (about 2 ms above
 * the configured 40 ms), and a demand of 100 ms keeps the per-request cost well inside the 10%.
 */
class ThreadingModelsTest {
  private static boolean warmedUp;
  /** The measured mean round trip of a data call: the wait d of a blocking thread. */
  private double dataCallSeconds;
  private final ActorTestKit kit = ActorTestKit.create();
  private NodeDatacenter datacenter;
  private MetricsLog metrics;

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    if (metrics != null) {
      metrics.close();
    }
    if (datacenter != null) {
      datacenter.close();
    }
  }

  private double saturation(String threading, int dataCalls) throws Exception {
    Config own =
        ConfigFactory.parseString(
            """
            clusteremu {
              nodes { t { port = 2552, hosts = [h-app, h-data] } }
              datacenter {
                links.host.latency = 10ms
                context-switch-cost = 0
                rows { r { racks { k { hosts { h-app {}, h-data {} } } } } }
                vms {
                  app { host = h-app, vcpus = 2, guest = app-server }
                  data { host = h-data, vcpus = 1, guest = data-server }
                  dispatcher { host = h-data, guest = dispatcher }
                }
              }
              app-server { demand { distribution = constant, mean = 100ms, sigma = 0.3 }, data-calls = %d, workers = 4, %s }
              data-server.demand { distribution = constant, mean = 0.1ms }
            }
            """
                .formatted(dataCalls, threading));
    var scenario = ScenarioLoader.fromConfig(Path.of("threading-test.conf"), own, ConfigFactory.defaultReferenceUnresolved());
    Topology topology = scenario.datacenter().orElseThrow();
    Placement placement = Placement.initial(topology);
    VmAddresses addresses =
        new VmAddresses(placement, "t", Map.of("t", kit.system().address().toString()), ActorRefResolver.get(kit.system()));
    datacenter = new NodeDatacenter(topology, "t", Set.of(), placement, addresses, true);
    metrics = new MetricsLog(Files.createTempDirectory("threading").resolve("t.jsonl"), "t", Duration.ofMinutes(10));
    Map<String, ComponentCounters> counters = new ConcurrentHashMap<>();
    Vm.Services services = new Vm.Services(datacenter, addresses, new Guests(metrics, counters, new Partitioning(List.of("data"))));
    for (String host : List.of("h-data", "h-app")) {
      String vm = host.equals("h-app") ? "app" : "data";
      kit.spawn(Host.create(topology.hosts().get(host), List.of(topology.vms().get(vm)), services), VmAddresses.hostActorName(host));
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (addresses.guestOf("app").isEmpty() || !counters.containsKey("app")) {
      assertTrue(System.nanoTime() < deadline, "the app server's VM started");
      Thread.sleep(10);
    }
    ActorRef<AppServer.Command> app = addresses.<AppServer.Command>guestOf("app").orElseThrow();
    ComponentCounters appCounters = counters.get("app");
    Thread.sleep(500); // the app server's listing of data servers
    AtomicLong answered = new AtomicLong();
    kit.spawn(closedLoop(app, 64, answered), "clients");
    Thread.sleep(warmedUp ? 1500 : 5000); // the first run also warms up the JIT
    warmedUp = true;
    long before = answered.get();
    long start = System.nanoTime();
    Thread.sleep(3000);

    double rate = (answered.get() - before) / ((System.nanoTime() - start) / 1e9);
    dataCallSeconds = appCounters.callNanosTotal() / 1e9 / Math.max(1, appCounters.callsAnsweredCount());
    System.out.printf("ThreadingModelsTest %s, %d data calls (round trip %.1f ms): %.2f req/s%n", threading, dataCalls, dataCallSeconds * 1e3, rate);
    return rate;
  }

  /** Keeps {@code users} requests outstanding, each sent again as soon as it is answered. */
  private static Behavior<Reply> closedLoop(ActorRef<AppServer.Command> app, int users, AtomicLong answered) {
    return Behaviors.setup(
        context -> {
          for (int i = 0; i < users; i++) {
            app.tell(new AppServer.Serve(i, i, Operation.READ, i, context.getSelf(), null));
          }
          return Behaviors.receiveMessage(
              reply -> {
                if (reply.ok()) {
                  answered.incrementAndGet();
                }
                app.tell(new AppServer.Serve(reply.requestId(), reply.requestId(), Operation.READ, reply.requestId(), context.getSelf(), null));
                return Behaviors.same();
              });
        });
  }

  /**
   * Throughput of a closed network of {@code n} threads that alternate between a CPU of {@code
   * vcpus} processor-sharing cores (demand s) and a wait of d, from its product form: the
   * probability of k threads at the CPU is proportional to d^(n-k)/(n-k)! x s^k/beta(k), with
   * beta(k) = prod min(i, vcpus). Throughput = mean threads waiting / d.
   */
  static double closedNetworkThroughput(int n, double s, double d, int vcpus) {
    double total = 0;
    double waiting = 0;
    for (int k = 0; k <= n; k++) {
      double beta = 1;
      for (int i = 1; i <= k; i++) {
        beta *= Math.min(i, vcpus);
      }
      double weight = Math.pow(d, n - k) / factorial(n - k) * Math.pow(s, k) / beta;
      total += weight;
      waiting += (n - k) * weight;
    }
    return waiting / total / d;
  }

  private static double factorial(int n) {
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  private static void assertWithinTenPercent(double expected, double measured, String what) {
    assertEquals(expected, measured, 0.1 * expected, what + ": expected " + expected + " req/s, measured " + measured);
  }

  @Test
  void aSingleThreadedServerSaturatesAtOneOverItsDemand() throws Exception {
    assertWithinTenPercent(10, saturation("threading = single-threaded", 0), "1 / 100 ms");
  }

  @Test
  void aSingleThreadedServerAlsoWaitsOutItsDataCalls() throws Exception {
    double measured = saturation("threading = single-threaded", 1);
    assertWithinTenPercent(1 / (0.100 + dataCallSeconds), measured, "1 / (s + d)");
  }

  @Test
  void aThreadPoolOfBlockingWorkersSaturatesWhereTheModelSays() throws Exception {
    // Four workers: at most N / (s + d) if they never met at the CPU, at most 2 / s if the CPU
    // were always busy; the product form accounts for their meetings at the 2 vCPUs. It holds
    // for any distribution of demand, but constant demands would keep the workers in lockstep
    // (a periodic schedule that never mixes); a lognormal demand lets them mix as real ones do.
    double measured = saturation("threading = thread-pool, demand.distribution = lognormal", 1);
    double model = closedNetworkThroughput(4, 0.100, dataCallSeconds, 2);
    assertTrue(model < Math.min(4 / (0.100 + dataCallSeconds), 2 / 0.100), "the meetings cost throughput: " + model);
    assertWithinTenPercent(model, measured, "closed network of 4 workers");
  }

  @Test
  void anEventDrivenServerIsBoundOnlyByItsCpu() throws Exception {
    // Two event loops on two vCPUs never block on the data tier: 2 / s.
    assertWithinTenPercent(20, saturation("threading = event-driven", 1), "cores / s");
  }
}
