package dev.paddock.policies.cel;

/** An activation that carries the budget of the evaluation it belongs to. */
public interface BudgetHolder {
  CostBudget budget();
}
