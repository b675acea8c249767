package dev.paddock.policies.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The benchmarks of {@link PolicyEvaluationBenchmark} measured in CPU time of the evaluating thread
 * rather than wall-clock time: on a machine shared with other builds, time spent waiting for a core
 * inflates JMH's scores (and their error) several times over, while the thread's own CPU time per
 * evaluation barely moves. Complements JMH, does not replace it. Run (after {@code test-compile}):
 * {@code java -cp <test classpath> dev.paddock.policies.bench.PolicyCpuTime [rounds] [ops]}.
 */
public final class PolicyCpuTime {
  private PolicyCpuTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    PolicyEvaluationBenchmark bench = new PolicyEvaluationBenchmark();
    bench.setUp();
    String[] names = {
      "hardening16Rules", "upstreamSecureSandboxVap16Rules", "libraryFourPolicies", "wholeLibrary"
    };
    @SuppressWarnings("unchecked")
    Supplier<Object>[] runs =
        new Supplier[] {
          bench::hardening16Rules,
          bench::upstreamSecureSandboxVap16Rules,
          bench::libraryFourPolicies
        };
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Object sink = null;
    for (int warmup = 0; warmup < 5; warmup++) {
      for (Supplier<Object> run : runs) {
        for (int i = 0; i < ops; i++) {
          sink = run.get();
        }
      }
    }
    double[][] micros = new double[runs.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int b = 0; b < runs.length; b++) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < ops; i++) {
          sink = runs[b].get();
        }
        micros[b][r] = (threads.getCurrentThreadCpuTime() - start) / 1000.0 / ops;
      }
    }
    for (int b = 0; b < runs.length; b++) {
      double[] sorted = micros[b].clone();
      Arrays.sort(sorted);
      System.out.printf(
          "%-32s CPU us/op: median %6.2f  (min %6.2f, quartiles %6.2f .. %6.2f)%n",
          names[b], sorted[rounds / 2], sorted[0], sorted[rounds / 4], sorted[3 * rounds / 4]);
    }
    if (sink == null) {
      System.out.println("(no result)");
    }
  }
}
