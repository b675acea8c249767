package dev.paddock.cli.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JUnit XML report of policy tests, as CI servers read it. */
final class JunitReport {
  private JunitReport() {}

  static String xml(List<PolicyTestCommand.Outcome> outcomes) {
    Map<String, List<PolicyTestCommand.Outcome>> bySuite = new LinkedHashMap<>();
    for (PolicyTestCommand.Outcome o : outcomes) {
      bySuite.computeIfAbsent(o.suite(), k -> new java.util.ArrayList<>()).add(o);
    }
    StringBuilder xml =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    bySuite.forEach(
        (suite, tests) -> {
          long failures = tests.stream().filter(t -> t.failure() != null).count();
          xml.append("  <testsuite name=\"")
              .append(escape(suite))
              .append("\" tests=\"")
              .append(tests.size())
              .append("\" failures=\"")
              .append(failures)
              .append("\">\n");
          for (PolicyTestCommand.Outcome t : tests) {
            xml.append("    <testcase classname=\"")
                .append(escape(suite))
                .append("\" name=\"")
                .append(escape(t.test()))
                .append("\"");
            if (t.failure() == null) {
              xml.append("/>\n");
            } else {
              xml.append(">\n      <failure message=\"")
                  .append(escape(t.failure().lines().findFirst().orElse("")))
                  .append("\">")
                  .append(escape(t.failure()))
                  .append("</failure>\n    </testcase>\n");
            }
          }
          xml.append("  </testsuite>\n");
        });
    return xml.append("</testsuites>\n").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
