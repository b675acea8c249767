package dev.paddock.policies;

import dev.paddock.policies.cel.BudgetHolder;
import dev.paddock.policies.cel.CostBudget;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.Activation;
import org.projectnessie.cel.interpreter.ResolvedValue;

/**
 * The variables of one policy's evaluation, resolved by a switch over the request's values
 * (converted once per request, as they are read); the stock map activation re-converted the whole
 * object on every read.
 */
final class RequestActivation extends BudgetHolder {
  private final RequestValues values;
  private final ResolvedValue object;
  private final ResolvedValue variables;

  RequestActivation(RequestValues values, Val object, LazyVariables variables, CostBudget budget) {
    super(budget);
    this.values = values;
    this.object = ResolvedValue.resolvedValue(object);
    this.variables = ResolvedValue.resolvedValue(variables);
    variables.bind(this);
  }

  @Override
  public ResolvedValue resolveName(String name) {
    return switch (name) {
      case "object" -> object;
      case "oldObject" -> values.oldObject();
      case "request" -> values.request();
      case "namespaceObject" -> values.namespaceObject();
      case "tenant" -> values.tenant();
      case "variables" -> variables;
      case "params" -> ResolvedValue.NULL_VALUE;
      default -> ResolvedValue.ABSENT;
    };
  }

  @Override
  public Activation parent() {
    return null;
  }
}
