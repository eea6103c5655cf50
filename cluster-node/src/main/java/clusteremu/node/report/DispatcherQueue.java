package clusteremu.node.report;

import clusteremu.tiers.dispatcher.Mode;

/**
 * The dispatcher as a queue, for the latency the model expects below saturation. Its demands are
 * constant, so one single-core dispatcher is an M/D/1 queue, and by Pollaczek-Khinchine a job
 * waits Wq = lambda E[S^2] / (2 (1 - rho)) on average. In handoff mode a request is one job (d_req);
 * in proxy mode it is two, the request and its reply (d_req, d_rep), each waiting Wq in the same
 * queue, with rho = lambda (d_req + d_rep). The load is spread evenly over the dispatchers used.
 *
 * <p>What it leaves out: it treats the reply jobs as Poisson arrivals too (they are the requests,
 * delayed), and a dispatcher with several cores (then it would be M/D/c, which has no closed form).
 */
public record DispatcherQueue(double requestDemandSeconds, double replyDemandSeconds, int dispatchers) {

  /** The mean time a request spends waiting (not served) at its dispatcher, in seconds; infinite at or past saturation. */
  public double meanWaitSeconds(Mode mode, double offeredPerSecond) {
    double lambda = offeredPerSecond / dispatchers;
    double dReq = requestDemandSeconds;
    double dRep = mode == Mode.PROXY ? replyDemandSeconds : 0;
    double rho = lambda * (dReq + dRep);
    if (rho >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    // Jobs arrive at lambda (request) plus lambda (reply, proxy only); lambda_jobs E[S^2] = lambda (dReq^2 + dRep^2).
    double waitPerJob = lambda * (dReq * dReq + dRep * dRep) / (2 * (1 - rho));
    return (mode == Mode.PROXY ? 2 : 1) * waitPerJob;
  }
}
