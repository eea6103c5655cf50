package clusteremu.tiers.dispatcher;

import java.util.List;

/** Chooses the app server for the next request. Called only from the dispatcher's actor. */
@FunctionalInterface
interface DispatchPolicy {

  /** Picks one of {@code backends}, which is never empty. */
  Backend choose(List<Backend> backends);
}
