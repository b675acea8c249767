package dev.paddock.policies.cel;

import org.projectnessie.cel.common.types.BoolT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.common.types.traits.Lister;
import org.projectnessie.cel.interpreter.Activation;
import org.projectnessie.cel.interpreter.Interpretable;
import org.projectnessie.cel.interpreter.Interpretable.InterpretableCall;
import org.projectnessie.cel.interpreter.InterpretableDecorator;

/**
 * Charges every call (operators and comprehension steps included) to the evaluation's {@link
 * CostBudget}, found on the activation. cel-tools has no cost tracking of its own, and a thread
 * interrupt does not stop it, so this is what bounds a runaway expression.
 */
public final class MeteringDecorator implements InterpretableDecorator {
  @Override
  public Interpretable decorate(Interpretable i) {
    if (i instanceof InterpretableCall call) {
      return new MeteredCall(call);
    }
    return i;
  }

  static CostBudget budgetOf(Activation activation) {
    for (Activation a = activation; a != null; a = a.parent()) {
      if (a instanceof BudgetHolder holder) {
        return holder.budget();
      }
    }
    return null;
  }

  /** Still an InterpretableCall, so that later decorators (the optimizer) recognise it. */
  private record MeteredCall(InterpretableCall delegate) implements InterpretableCall {
    @Override
    public long id() {
      return delegate.id();
    }

    @Override
    public Val eval(Activation activation) {
      Val result = delegate.eval(activation);
      CostBudget budget = budgetOf(activation);
      if (budget != null) {
        long units = 1;
        // most results are bools: one class compare, before an interface test that would fail
        // after scanning every supertype
        if (result instanceof BoolT) {
          units = 1;
        } else if (result instanceof StringT s) {
          units += ((String) s.value()).length() / 10;
        } else if (result instanceof Lister list) {
          units += list.size().intValue() / 10;
        }
        budget.charge(units);
      }
      return result;
    }

    @Override
    public String function() {
      return delegate.function();
    }

    @Override
    public String overloadID() {
      return delegate.overloadID();
    }

    @Override
    public Interpretable[] args() {
      return delegate.args();
    }
  }
}
