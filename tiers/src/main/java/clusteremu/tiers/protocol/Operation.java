package clusteremu.tiers.protocol;

/** What a client request does at the data tier. */
public enum Operation {
  READ,
  WRITE
}
