package clusteremu.node.datacenter.emulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusteremu.node.TestKits;
import clusteremu.node.Await;
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
import clusteremu.tiers.protocol.Operation;
import clusteremu.tiers.protocol.Reply;
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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
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
 * the answers of about three seconds, after about one and a half seconds' worth of warm-up (five
 * in the first test of the JVM, which also warms up the JIT). Both are counted in answers, so a
 * slow machine makes the test longer, not different.
 *
 * <p>App server: 2 vCPUs, constant demand s = 100 ms. Data calls cross a route of 20 ms each
 * way and cost the data server 0.1 ms. Every step also costs real time the emulation cannot hide
 * (waking a parked thread takes up to milliseconds on a small VM at light load), so the wait d of
 * a blocking thread is taken as measured, the mean round trip of its data calls (about 2 ms above
 * the configured 40 ms). Likewise the end of each burst of CPU reaches the server as late as the
 * loop runs its timed events, which is measured over the window and added to the demand s; a
 * demand of 100 ms keeps what remains (an actor's wake-up per step) well inside the 10%.
 */
class ThreadingModelsTest {
  private static boolean warmedUp;
  /** The measured mean round trip of a data call: the wait d of a blocking thread. */
  private double dataCallSeconds;
  /** The mean lateness of the loop's timed events over the window, in seconds. */
  private double lateSeconds;
  private final ActorTestKit kit = TestKits.onFreePort();
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

  /**
   * The throughput the server saturates at, measured over the answers of about three seconds at
   * {@code nominalRate} (which only sizes the warm-up and the window).
   */
  private double saturation(String threading, int dataCalls, double nominalRate) throws Exception {
    return saturation(threading, dataCalls, nominalRate, 3);
  }

  /**
   * As above over about {@code windowSeconds}: random demands need a longer window than constant
   * ones for their sample mean to settle (lognormal, sigma 0.3: about 0.3 / sqrt(n) of the mean).
   */
  private double saturation(String threading, int dataCalls, double nominalRate, double windowSeconds) throws Exception {
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
    Vm.Services services = new Vm.Services(datacenter, addresses, new Guests(metrics, counters, new Partitioning(List.of("data")), false));
    for (String host : List.of("h-data", "h-app")) {
      String vm = host.equals("h-app") ? "app" : "data";
      kit.spawn(Host.create(topology.hosts().get(host), List.of(topology.vms().get(vm)), services), VmAddresses.hostActorName(host));
    }
    Await.until(Duration.ofSeconds(15), () -> addresses.guestOf("app").isPresent() && counters.containsKey("app"), "the app server's VM started");
    ActorRef<AppServer.Command> app = addresses.<AppServer.Command>guestOf("app").orElseThrow();
    ComponentCounters appCounters = counters.get("app");
    awaitServing(app);
    ReplyTimes answered = new ReplyTimes(warmup(nominalRate) + (int) (windowSeconds * nominalRate));
    kit.spawn(closedLoop(app, 64, answered), "clients");
    // Warm-up and window are counted in answers, not slept: the window runs from one answer to the
    // answer n later, timed at the client, so it holds exactly n answers however long it takes.
    int from = warmup(nominalRate);
    int n = (int) (windowSeconds * nominalRate);
    warmedUp = true;
    Await.until(Duration.ofSeconds(120), () -> answered.count() >= from, () -> "warm-up: " + answered.count() + " of " + from + " answered");
    long callsBefore = appCounters.callsAnsweredCount();
    long callNanosBefore = appCounters.callNanosTotal();
    onLoop(loop -> loop.latenessSinceLast()); // from here on
    Await.until(Duration.ofSeconds(120), () -> answered.count() >= from + n, () -> "window: " + answered.count() + " of " + (from + n) + " answered");
    org.HdrHistogram.Histogram lateness = onLoop(loop -> loop.latenessSinceLast());
    long calls = appCounters.callsAnsweredCount() - callsBefore;

    double rate = n / ((answered.at(from + n - 1) - answered.at(from - 1)) / 1e9);
    dataCallSeconds = (appCounters.callNanosTotal() - callNanosBefore) / 1e9 / Math.max(1, calls);
    // Each step of a request waits on a timed event of the loop (a burst of CPU ending), which the
    // loop runs this late on average: on a busy machine every burst effectively lasts this longer.
    // (The data calls' own lateness is inside their measured round trip.)
    lateSeconds = lateness.getTotalCount() > 0 ? lateness.getMean() / 1e6 : 0;
    System.out.printf(
        "ThreadingModelsTest %s, %d data calls (round trip %.1f ms, loop lateness %.2f ms mean over %d events): %.2f req/s over %d answers%n",
        threading, dataCalls, dataCallSeconds * 1e3, lateSeconds * 1e3, lateness.getTotalCount(), rate, n);
    return rate;
  }

  /** Answers of warm-up before the window: the first run in the JVM also warms up the JIT. */
  private static int warmup(double nominalRate) {
    return (int) ((warmedUp ? 1.5 : 5) * nominalRate);
  }

  /** Runs {@code query} on the emulation loop's thread (where its figures may be read) and waits for its answer. */
  private <T> T onLoop(java.util.function.Function<EmulationLoop, T> query) throws Exception {
    java.util.concurrent.CompletableFuture<T> answer = new java.util.concurrent.CompletableFuture<>();
    EmulationLoop loop = datacenter.loop();
    loop.execute(() -> answer.complete(query.apply(loop)));
    return answer.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Waits until the app server serves a request: it lists its data servers asynchronously, and
   * before that a request fails at once. Each probe request is awaited, so none is left behind.
   */
  private void awaitServing(ActorRef<AppServer.Command> app) {
    TestProbe<Reply> probe = kit.createTestProbe();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (long id = -1; ; id--) {
      app.tell(new AppServer.Serve(id, id, Operation.READ, 0, probe.getRef(), null));
      Reply reply = probe.receiveMessage(Duration.ofSeconds(10));
      assertEquals(id, reply.requestId());
      if (reply.ok()) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "the app server never served a request: " + reply);
    }
  }

  /** The instant of each answer, in order, kept by the clients' actor and read by the test. */
  private static final class ReplyTimes {
    private final long[] at;
    private final AtomicLong count = new AtomicLong();

    ReplyTimes(int capacity) {
      at = new long[capacity];
    }

    /** Called by the clients' actor only. */
    void answered(long nanos) {
      long i = count.get();
      if (i < at.length) {
        at[(int) i] = nanos;
      }
      count.set(i + 1); // publishes at[i] to a reader that sees the new count
    }

    long count() {
      return count.get();
    }

    /** When the {@code k}-th answer (counting from 0) came; only once {@code count() > k}. */
    long at(int k) {
      if (count.get() <= k) {
        throw new IllegalStateException("answer " + k + " has not come");
      }
      return at[k];
    }
  }

  /** Keeps {@code users} requests outstanding, each sent again as soon as it is answered. */
  private static Behavior<Reply> closedLoop(ActorRef<AppServer.Command> app, int users, ReplyTimes answered) {
    return Behaviors.setup(
        context -> {
          for (int i = 0; i < users; i++) {
            app.tell(new AppServer.Serve(i, i, Operation.READ, i, context.getSelf(), null));
          }
          return Behaviors.receiveMessage(
              reply -> {
                if (reply.ok()) {
                  answered.answered(System.nanoTime());
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

  /** The demand of a request as the server experiences it: 100 ms, and its end runs late by the loop's lateness. */
  private double demand() {
    return 0.100 + lateSeconds;
  }

  @Test
  void aSingleThreadedServerSaturatesAtOneOverItsDemand() throws Exception {
    double measured = saturation("threading = single-threaded", 0, 10);
    assertWithinTenPercent(1 / demand(), measured, "1 / s");
  }

  @Test
  void aSingleThreadedServerAlsoWaitsOutItsDataCalls() throws Exception {
    double measured = saturation("threading = single-threaded", 1, 7);
    assertWithinTenPercent(1 / (demand() + dataCallSeconds), measured, "1 / (s + d)");
  }

  @Test
  void aThreadPoolOfBlockingWorkersSaturatesWhereTheModelSays() throws Exception {
    // Four workers: at most N / (s + d) if they never met at the CPU, at most 2 / s if the CPU
    // were always busy; the product form accounts for their meetings at the 2 vCPUs. It holds
    // for any distribution of demand, but constant demands would keep the workers in lockstep
    // (a periodic schedule that never mixes); a lognormal demand lets them mix as real ones do.
    double measured = saturation("threading = thread-pool, demand.distribution = lognormal", 1, 15, 6);
    double model = closedNetworkThroughput(4, demand(), dataCallSeconds, 2);
    assertTrue(model < Math.min(4 / (demand() + dataCallSeconds), 2 / demand()), "the meetings cost throughput: " + model);
    assertWithinTenPercent(model, measured, "closed network of 4 workers");
  }

  @Test
  void anEventDrivenServerIsBoundOnlyByItsCpu() throws Exception {
    // Two event loops on two vCPUs never block on the data tier: 2 / s.
    double measured = saturation("threading = event-driven", 1, 20);
    assertWithinTenPercent(2 / demand(), measured, "cores / s");
  }
}
