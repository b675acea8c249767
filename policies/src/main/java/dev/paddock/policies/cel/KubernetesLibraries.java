package dev.paddock.policies.cel;

import java.util.List;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.interpreter.functions.FunctionOp;
import org.projectnessie.cel.interpreter.functions.Overload;

/** The Kubernetes CEL libraries, as cel-tools libraries. */
public final class KubernetesLibraries {
  private KubernetesLibraries() {}

  public static List<Library> all() {
    return List.of(
        new RegexLibrary(),
        new ListsAndStringsLibrary(),
        new QuantityLibrary(),
        new SemverLibrary(),
        new NetworkLibrary(),
        new UrlLibrary(),
        new FormatLibrary());
  }

  /**
   * An implementation for every arity: cel-tools plans a one- or two-argument call against the
   * unary or binary slot only, so a varargs implementation alone is "no such overload" there.
   */
  static Overload anyArity(String name, FunctionOp op) {
    return Overload.overload(name, null, v -> op.invoke(v), (a, b) -> op.invoke(a, b), op);
  }
}
