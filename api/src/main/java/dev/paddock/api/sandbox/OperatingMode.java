package dev.paddock.api.sandbox;

/** Whether a sandbox's pod should exist. */
public enum OperatingMode {
  Running,
  Suspended
}
