package dev.paddock.cli;

import dev.paddock.cli.up.KubectlCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: {@code paddock <command>}. */
@Command(
    name = "paddock",
    mixinStandardHelpOptions = true,
    versionProvider = PaddockVersion.class,
    description = "Agent Sandbox controller and CEL admission policies for Kubernetes.",
    subcommands = {
      CommandLine.HelpCommand.class,
      dev.paddock.cli.run.RunCommand.class,
      dev.paddock.cli.policy.PolicyCommand.class,
      dev.paddock.cli.up.UpCommand.class,
      dev.paddock.cli.up.KubectlCommand.class,
      dev.paddock.cli.webhook.WebhookCommand.class
    })
public final class Paddock implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; never throws for a user's mistake. */
  public static int execute(String... args) {
    return newCommandLine().execute(args);
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Paddock());
    cli.setParameterExceptionHandler(Paddock::onBadParameters);
    KubectlCommand.configure(cli.getSubcommands().get("kubectl"));
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          commandLine.getErr().println("paddock: " + describe(ex));
          return 1;
        });
    return cli;
  }

  /** A wrong flag or argument: one line saying what is wrong, then the usage, exit code 2. */
  private static int onBadParameters(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("paddock: " + ex.getMessage());
    cmd.usage(err);
    return 2;
  }

  private static String describe(Throwable ex) {
    String message = ex.getMessage();
    return message == null ? ex.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
