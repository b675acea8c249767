package dev.paddock.controller.sandbox;

/** Condition types and reasons of a Sandbox's status, spelled exactly as upstream spells them. */
public final class SandboxConditions {
  private SandboxConditions() {}

  public static final String READY = "Ready";
  public static final String SUSPENDED = "Suspended";
  public static final String FINISHED = "Finished";
  public static final String POD_SCHEDULED = "PodScheduled";

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  // Ready
  public static final String DEPENDENCIES_READY = "DependenciesReady";
  public static final String DEPENDENCIES_NOT_READY = "DependenciesNotReady";
  public static final String SANDBOX_SUSPENDED = "SandboxSuspended";
  public static final String POD_SUCCEEDED = "PodSucceeded";
  public static final String POD_FAILED = "PodFailed";
  public static final String SANDBOX_EXPIRED = "SandboxExpired";
  public static final String MULTIPLE_PODS = "MultiplePods";
  public static final String RECONCILER_ERROR = "ReconcilerError";

  // Suspended
  public static final String NOT_SUSPENDED = "NotSuspended";
  public static final String POD_TERMINATED = "PodTerminated";
  public static final String POD_NOT_TERMINATED = "PodNotTerminated";

  // PodScheduled, when the pod gives no reason
  public static final String POD_SCHEDULING_UNKNOWN = "PodSchedulingUnknown";
}
