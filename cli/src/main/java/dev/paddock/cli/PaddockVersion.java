package dev.paddock.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar's manifest at build time. */
final class PaddockVersion implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Paddock.class.getPackage().getImplementationVersion();
    return new String[] {"paddock " + (version == null ? "(development build)" : version)};
  }
}
