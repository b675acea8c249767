package dev.paddock.cli.policy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code paddock policy}: evaluate and test CEL admission policies without a cluster. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Evaluate and test CEL admission policies offline.",
    subcommands = {PolicyEvalCommand.class, PolicyTestCommand.class})
public final class PolicyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
