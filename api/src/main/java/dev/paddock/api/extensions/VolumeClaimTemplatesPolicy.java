package dev.paddock.api.extensions;

/** Whether a claim may add or replace the template's volume claim templates. */
public enum VolumeClaimTemplatesPolicy {
  Disallowed,
  Allowed,
  Overrides
}
