package clusteremu.node.datacenter.vm;

import clusteremu.tiers.CborSerializable;
import clusteremu.tiers.appserver.AppServer;
import clusteremu.tiers.dataserver.DataServer;
import clusteremu.tiers.dispatcher.Dispatcher;

/**
 * The execution state of a VM's guest as it travels to another host: exactly one field is set,
 * after the guest's kind (a field per kind keeps the wire format free of class names).
 */
public record GuestState(Dispatcher.State dispatcher, AppServer.State appServer, DataServer.State dataServer) implements CborSerializable {

  /** Wraps what a guest captured; null for a VM without a guest. */
  public static GuestState of(Object captured) {
    if (captured == null) {
      return null;
    }
    if (captured instanceof Dispatcher.State d) {
      return new GuestState(d, null, null);
    }
    if (captured instanceof AppServer.State a) {
      return new GuestState(null, a, null);
    }
    if (captured instanceof DataServer.State s) {
      return new GuestState(null, null, s);
    }
    throw new IllegalArgumentException("no guest state of type " + captured.getClass().getName());
  }
}
