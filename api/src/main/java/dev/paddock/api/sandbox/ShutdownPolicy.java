package dev.paddock.api.sandbox;

/** What happens to a Sandbox at its shutdownTime. */
public enum ShutdownPolicy {
  Delete,
  Retain
}
