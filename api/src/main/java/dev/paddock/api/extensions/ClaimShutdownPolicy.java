package dev.paddock.api.extensions;

/** What happens to a claim and its sandbox when the claim expires. */
public enum ClaimShutdownPolicy {
  Delete,
  DeleteForeground,
  Retain
}
