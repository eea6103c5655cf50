package clusteremu.node.control;

import clusteremu.node.datacenter.HostSpec;
import clusteremu.node.datacenter.Topology;
import clusteremu.node.datacenter.VmSpec;
import clusteremu.node.datacenter.placement.Placement;
import clusteremu.node.fault.Fault;
import clusteremu.node.fault.FaultLog;
import clusteremu.node.fault.HostCrashes;
import clusteremu.node.fault.NodeFaults;
import clusteremu.node.fault.PathFaultTable;
import clusteremu.node.migration.MigrationRequests;
import clusteremu.node.migration.Migrations;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API, HTTP with JSON on loopback, served by one node of the cluster:
 *
 * <ul>
 *   <li>{@code GET /hosts}: every host, where it is, its node, its VMs and the room left;
 *   <li>{@code GET /vms}: every VM, its host and node, guest and size;
 *   <li>{@code GET /migrations}, {@code GET /migrations/ID}: how migrations stand;
 *   <li>{@code DELETE /migrations/ID}: cancel one whose guest has not paused yet (409 after);
 *   <li>{@code POST /migrations}: start one (body: {@link MigrationBody}); 201 with its id, 400
 *       for a bad request (the error names the field), 409 when it is refused (no room, already
 *       migrating); nothing changes on an error.
 *   <li>{@code POST /members/leave}: have nodes leave the cluster (body: {@code {"nodes": [..]}});
 *       202 with the nodes asked, 400 naming an unknown node.
 *   <li>{@code GET /faults}: the faults injected so far; {@code POST /faults}: inject one (body:
 *       {@link FaultBody}); 200 with its record, 400 for a bad request, 404 for an unknown node,
 *       409 when it cannot be carried out.
 * </ul>
 *
 * <p>A body over {@value #MAX_BODY} bytes is refused with 413; every error is a JSON object with
 * an {@code error} that names the field at fault.
 */
public final class ControlApi extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
  private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  /** Below pekko-http's request timeout (20 s), above a migration's answer to its destination (15 s). */
  private static final Duration ASK = Duration.ofSeconds(18);
  /** The largest request body taken: a control request is a few hundred bytes. */
  static final int MAX_BODY = 64 * 1024;

  private final ActorSystem<?> system;
  /** The bearer token requests must carry, or null; set when the API is bound. */
  private volatile String token;
  private final Topology topology;
  private final Placement placement;
  private final String run;
  private final Map<String, String> nodes;
  private final List<String> nodeNames;
  private final Function<String, ActorRef<Migrations.Command>> migrationsOf;
  private final NodeFaults faults;
  private final ActorRef<PathFaultTable.Command> pathFaults;
  private final FaultLog faultLog;
  private final Function<String, ActorRef<HostCrashes.Command>> hostCrashesOf;

  /**
   * @param nodes every node of the cluster: its name and its address in Pekko's form
   * @param migrationsOf the migrations actor of a node
   * @param faults carries out the faults on node JVMs
   * @param pathFaults carries out the faults on the emulated network's paths
   * @param faultLog every fault carried out, for {@code GET /faults}
   * @param hostCrashesOf the actor of a node that crashes and recovers its hosts
   */
  public ControlApi(
      ActorSystem<?> system,
      Path run,
      Topology topology,
      Placement placement,
      Map<String, String> nodes,
      Function<String, ActorRef<Migrations.Command>> migrationsOf,
      NodeFaults faults,
      ActorRef<PathFaultTable.Command> pathFaults,
      FaultLog faultLog,
      Function<String, ActorRef<HostCrashes.Command>> hostCrashesOf) {
    this.system = system;
    this.run = runName(run);
    this.topology = topology;
    this.placement = placement;
    this.nodes = Map.copyOf(nodes);
    this.nodeNames = List.copyOf(nodes.keySet());
    this.migrationsOf = migrationsOf;
    this.faults = faults;
    this.pathFaults = pathFaults;
    this.faultLog = faultLog;
    this.hostCrashesOf = hostCrashesOf;
  }

  /** Serves on 127.0.0.1:{@code port}, plain HTTP; a port in use is logged, and the node runs on without the API. */
  public CompletionStage<ServerBinding> bind(int port) {
    return bind(ControlAccess.LOOPBACK, port);
  }

  /** Serves as {@code access} says (HTTPS and a token beyond loopback); a port in use is logged, and the node runs on without the API. */
  public CompletionStage<ServerBinding> bind(ControlAccess access, int port) {
    this.token = access.token();
    ServerBuilder server = Http.get(system).newServerAt(access.address(), port);
    if (access.secured()) {
      server = server.enableHttps(ConnectionContext.httpsServer(access.tls()));
    }
    return server
        .bind(routes())
        .whenComplete(
            (binding, failure) -> {
              if (failure != null) {
                log.error("control API: cannot listen on {}:{} ({}); set clusteremu.control.port to a free port", access.address(), port, failure.toString());
              } else {
                log.info("control API on {}{}", access.url(port), access.token() != null ? ", bearer token required" : "");
              }
            });
  }

  /** The header that names the run whose cluster answers, so that a client can tell it has the right one. */
  public static final String RUN_HEADER = "Clusteremu-Run";

  /** A run directory as the header names it: its real path. */
  public static String runName(Path run) {
    try {
      return run.toRealPath().toString();
    } catch (java.io.IOException e) {
      return run.toAbsolutePath().normalize().toString();
    }
  }

  Route routes() {
    // Rejections (404, 405) and errors inside the header, so that they name the run too; all as JSON.
    // The token first: a caller without it learns nothing, not even the run.
    return authorized(
        () -> respondWithHeader(
            RawHeader.create(RUN_HEADER, run),
            () -> handleExceptions(jsonErrors(), () -> handleRejections(RejectionHandler.defaultHandler().mapRejectionResponse(ControlApi::asJson), this::apiRoutes))));
  }

  /**
   * When a token is set, every request must carry it ({@code Authorization: Bearer <token>}); else
   * 401, the same answer for a missing or a wrong one. Compared in constant time.
   */
  private Route authorized(java.util.function.Supplier<Route> inner) {
    if (token == null) {
      return inner.get();
    }
    byte[] expected = ("Bearer " + token).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return optionalHeaderValueByName(
        "Authorization",
        given -> {
          byte[] actual = given.orElse("").getBytes(java.nio.charset.StandardCharsets.UTF_8);
          if (java.security.MessageDigest.isEqual(expected, actual)) {
            return inner.get();
          }
          log.warn("control API: refused a request without the right bearer token");
          return complete(
              json(401, error("missing or wrong bearer token; expected the header Authorization: Bearer <the token in clusteremu.control.token-file>"))
                  .addHeader(RawHeader.create("WWW-Authenticate", "Bearer")));
        });
  }

  /** A failure while a request is served, as a JSON error: 413 for a body past the limit (sent without a length), else 500. */
  private ExceptionHandler jsonErrors() {
    return ExceptionHandler.newBuilder()
        .match(
            org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class,
            e -> complete(json(413, error("the body is over " + MAX_BODY + " bytes; expected at most " + MAX_BODY))))
        .matchAny(e -> complete(json(500, error("the control API failed: " + e))))
        .build();
  }

  /** A rejection's plain-text answer (404, 405, ...) as {"error": text}, its status kept. */
  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict strict
        && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return json(response.status().intValue(), error(strict.getData().utf8String())).withHeaders(response.getHeaders());
    }
    return response;
  }

  private Route apiRoutes() {
    return concat(
        path("hosts", () -> get(() -> complete(json(200, hosts())))),
        path("vms", () -> get(() -> complete(json(200, vms())))),
        pathPrefix(
            "migrations",
            () ->
                concat(
                    pathEnd(
                        () ->
                            concat(
                                get(() -> completeWithFuture(migrations())),
                                post(() -> body(body -> completeWithFuture(start(body)))))),
                    path(
                        PathMatchers.segment(),
                        id ->
                            concat(
                                get(() -> completeWithFuture(migration(id))),
                                delete(() -> completeWithFuture(cancel(id))))))),
        path(PathMatchers.segment("members").slash("leave"), () -> post(() -> body(body -> complete(leave(body))))),
        path(
            "faults",
            () ->
                concat(
                    get(() -> complete(json(200, faultLog.history()))),
                    post(() -> body(body -> completeWithFuture(inject(body)))))));
  }

  /** The request's body as text, refused with 413 past {@link #MAX_BODY} bytes. */
  private Route body(Function<String, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (entity.getContentLengthOption().orElse(0L) > MAX_BODY) {
            return complete(json(413, error("the body is " + entity.getContentLengthOption().getAsLong() + " bytes; expected at most " + MAX_BODY)));
          }
          return withSizeLimit(MAX_BODY, () -> entity(Unmarshaller.entityToString(), inner));
        });
  }

  private CompletionStage<HttpResponse> inject(String body) {
    Fault fault;
    try {
      fault = FaultBody.parse(body);
    } catch (BodyFields.Invalid e) {
      return CompletableFuture.completedFuture(json(400, error(e.getMessage())));
    }
    CompletionStage<NodeFaults.Outcome> outcome =
        fault.kind().onPaths()
            ? AskPattern.<PathFaultTable.Command, NodeFaults.Outcome>ask(pathFaults, replyTo -> new PathFaultTable.Change(fault, replyTo), ASK, system.scheduler())
            : fault.kind().onHost()
                ? hostFault(fault)
                // A kill waits for the JVM to exit, a restart forks one: off the HTTP threads.
                : CompletableFuture.supplyAsync(() -> faults.inject(fault), system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
    return outcome.thenApply(o -> o.error() == null ? json(200, o.record()) : json(o.status(), error(o.error())));
  }

  private List<Map<String, Object>> hosts() {
    List<Map<String, Object>> hosts = new ArrayList<>();
    // The VMs grouped by host in one pass: a pass per host would be hosts x VMs steps (10^9 at
    // 10,000 hosts), on the one thread the member's actors, Artery and the cluster share.
    Map<String, String> vmsNow = placement.vms();
    Map<String, List<VmSpec>> byHost = new HashMap<>();
    for (VmSpec vm : topology.vms().values()) {
      String where = vmsNow.get(vm.name());
      if (where != null) {
        byHost.computeIfAbsent(where, h -> new ArrayList<>()).add(vm);
      }
    }
    for (HostSpec host : topology.hosts().values()) {
      List<VmSpec> on = byHost.getOrDefault(host.name(), List.of());
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("host", host.name());
      line.put("node", placement.nodeOf(host.name()).orElse(null));
      line.put("row", host.row());
      line.put("rack", host.rack());
      line.put("cores", host.cores());
      line.put("memory_mib", host.memoryBytes() >> 20);
      line.put("vms", on.stream().map(VmSpec::name).toList());
      line.put("free_cores", host.cores() - on.stream().mapToInt(VmSpec::vcpus).sum());
      line.put("free_memory_mib", (host.memoryBytes() - on.stream().mapToLong(VmSpec::memoryBytes).sum()) >> 20);
      hosts.add(line);
    }
    return hosts;
  }

  private List<Map<String, Object>> vms() {
    List<Map<String, Object>> vms = new ArrayList<>();
    for (VmSpec vm : topology.vms().values()) {
      String host = placement.hostOf(vm.name());
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("vm", vm.name());
      line.put("host", host);
      line.put("node", host == null ? null : placement.nodeOf(host).orElse(null));
      line.put("guest", vm.guest().map(g -> g.configName()).orElse("none"));
      line.put("vcpus", vm.vcpus());
      line.put("memory_mib", vm.memoryBytes() >> 20);
      vms.add(line);
    }
    return vms;
  }

  private CompletionStage<HttpResponse> start(String body) {
    Migrations.Request request;
    try {
      request = MigrationBody.parse(body);
    } catch (BodyFields.Invalid e) {
      return CompletableFuture.completedFuture(json(400, error(e.getMessage())));
    }
    Optional<String> bad = MigrationRequests.check(request, topology, placement);
    if (bad.isPresent()) {
      return CompletableFuture.completedFuture(json(400, error(bad.get())));
    }
    String carrier = placement.nodeOf(placement.hostOf(request.vm())).orElseThrow();
    return AskPattern.<Migrations.Command, Migrations.Started>ask(
            migrationsOf.apply(carrier), replyTo -> new Migrations.Start(request, replyTo), ASK, system.scheduler())
        .thenApply(started -> started.refusal() == null ? json(201, Map.of("id", started.id())) : json(409, error(started.refusal())))
        .exceptionally(e -> json(503, error("node " + carrier + " did not answer: " + e.getMessage())));
  }

  /**
   * Has the named nodes leave the cluster gracefully, each then shutting its JVM down, wherever it
   * runs ({@code scripts/cluster down} on one machine stops the others' nodes this way). This node
   * is asked last. 202 with the nodes asked; 400 naming an unknown node, and then none is asked.
   */
  private HttpResponse leave(String body) {
    List<String> asked;
    try {
      asked = LeaveBody.parse(body, nodeNames);
    } catch (BodyFields.Invalid e) {
      return json(400, error(e.getMessage()));
    }
    Cluster cluster = Cluster.get(system);
    String self = cluster.selfMember().address().toString();
    List<String> ordered = new ArrayList<>(asked.stream().filter(n -> !nodes.get(n).equals(self)).toList());
    asked.stream().filter(n -> nodes.get(n).equals(self)).forEach(ordered::add);
    for (String node : ordered) {
      log.info("control API: asking node {} ({}) to leave the cluster", node, nodes.get(node));
      cluster.manager().tell(Leave.create(AddressFromURIString.parse(nodes.get(node))));
    }
    return json(202, Map.of("leaving", ordered));
  }

  /** Crashes or recovers an emulated host through the node that carries it; logged when done. */
  private CompletionStage<NodeFaults.Outcome> hostFault(Fault fault) {
    if (!topology.hosts().containsKey(fault.host())) {
      return CompletableFuture.completedFuture(NodeFaults.Outcome.refused(404, "host: no host " + fault.host() + "; expected one of " + topology.hosts().keySet()));
    }
    String node = placement.nodeOf(fault.host()).orElseThrow();
    boolean crash = fault.kind() == Fault.Kind.CRASH_HOST;
    return AskPattern.<HostCrashes.Command, HostCrashes.Done>ask(hostCrashesOf.apply(node), replyTo -> new HostCrashes.Act(fault.host(), crash, replyTo), ASK, system.scheduler())
        .thenApply(
            done -> {
              if (done.refusal() != null) {
                return NodeFaults.Outcome.refused(409, "host: " + done.refusal());
              }
              Map<String, Object> line = new LinkedHashMap<>();
              line.put("ts", System.currentTimeMillis());
              line.put("fault", fault.kind().configName());
              line.put("host", fault.host());
              line.put("node", node);
              line.put("vms", done.vms());
              line.put("event", fault.describe());
              faultLog.write(line);
              return new NodeFaults.Outcome(200, null, line);
            })
        .exceptionally(e -> NodeFaults.Outcome.refused(503, "host: node " + node + " did not answer: " + e.getMessage()));
  }

  /** The node a migration id names: ids are {@code <node>.<n>}. */
  private static String nodeOf(String id) {
    int dot = id.lastIndexOf('.');
    return dot < 0 ? "" : id.substring(0, dot);
  }

  private CompletionStage<HttpResponse> migration(String id) {
    String node = nodeOf(id);
    if (!nodes.containsKey(node)) {
      return CompletableFuture.completedFuture(json(404, error("no migration " + id + "; ids look like <node>.<n>, e.g. " + nodeNames.get(0) + ".1")));
    }
    return AskPattern.<Migrations.Command, Migrations.Progress>ask(migrationsOf.apply(node), replyTo -> new Migrations.Get(id, replyTo), ASK, system.scheduler())
        .thenApply(progress -> progress.status().equals("unknown") ? json(404, error(progress.reason())) : json(200, progress))
        .exceptionally(e -> json(503, error("node " + node + " did not answer: " + e.getMessage())));
  }

  private CompletionStage<HttpResponse> cancel(String id) {
    String node = nodeOf(id);
    if (!nodes.containsKey(node)) {
      return CompletableFuture.completedFuture(json(404, error("no migration " + id)));
    }
    return AskPattern.<Migrations.Command, Migrations.Cancelled>ask(migrationsOf.apply(node), replyTo -> new Migrations.Cancel(id, replyTo), ASK, system.scheduler())
        .thenApply(
            c -> c.refusal() == null
                ? json(200, Map.of("id", id, "status", "cancelled"))
                : json(c.refusal().startsWith("no migration") ? 404 : 409, error(c.refusal())))
        .exceptionally(e -> json(503, error("node " + node + " did not answer: " + e.getMessage())));
  }

  /** Every node's migrations; a node that does not answer within 3 s is left out. */
  private CompletionStage<HttpResponse> migrations() {
    List<CompletableFuture<List<Migrations.Progress>>> asks = new ArrayList<>();
    for (String node : nodeNames) {
      asks.add(
          AskPattern.<Migrations.Command, Migrations.ProgressList>ask(migrationsOf.apply(node), Migrations.ListAll::new, Duration.ofSeconds(3), system.scheduler())
              .thenApply(Migrations.ProgressList::migrations)
              .exceptionally(e -> List.of())
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              List<Migrations.Progress> all = new ArrayList<>();
              asks.forEach(a -> all.addAll(a.join()));
              return json(200, all);
            });
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }

  private static HttpResponse json(int status, Object body) {
    try {
      return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body));
    } catch (Exception e) {
      return HttpResponse.create().withStatus(StatusCodes.INTERNAL_SERVER_ERROR).withEntity(ContentTypes.APPLICATION_JSON, "{\"error\":\"cannot write the answer\"}");
    }
  }
}
