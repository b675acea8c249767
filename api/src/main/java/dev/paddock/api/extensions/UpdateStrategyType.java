package dev.paddock.api.extensions;

/** How a warm pool reacts to a change of its template. */
public enum UpdateStrategyType {
  Recreate,
  OnReplenish
}
