package dev.paddock.api.extensions;

/** Whether the controller owns the template's NetworkPolicy. */
public enum NetworkPolicyManagement {
  Managed,
  Unmanaged
}
