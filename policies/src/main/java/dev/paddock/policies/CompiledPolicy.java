package dev.paddock.policies;

import java.util.List;
import java.util.Set;
import org.projectnessie.cel.Program;

/** One policy with every expression compiled; immutable and shared by all evaluations. */
record CompiledPolicy(
    String name,
    String source,
    String kind,
    MatchRules match,
    boolean failOpen,
    Set<String> actions,
    List<Expression> matchConditions,
    List<Variable> variables,
    List<Validation> validations,
    List<Mutation> mutations,
    List<AuditAnnotation> auditAnnotations) {

  /** A compiled expression and where it sits in the manifest. */
  record Expression(String path, String text, Program program) {}

  record Variable(String name, Expression expression) {}

  record Validation(
      int index,
      Expression expression,
      String message,
      Expression messageExpression,
      String reason) {}

  record Mutation(boolean jsonPatch, Expression expression) {}

  record AuditAnnotation(String key, Expression value) {}

  /** A binding of a native policy: extra match rules and the validation actions. */
  record Binding(String name, String policyName, MatchRules match, Set<String> actions) {}

  boolean validates() {
    return !validations.isEmpty() || !auditAnnotations.isEmpty();
  }

  boolean mutates() {
    return !mutations.isEmpty();
  }
}
