package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;

/**
 * {@code compareTo}, {@code isGreaterThan} and {@code isLessThan}, which the quantity and semver
 * libraries share: cel-tools dispatches by function name only, so one implementation serves both.
 */
final class Comparisons {
  private Comparisons() {}

  static Val compareTo(Val a, Val b) {
    Integer c = compare(a, b);
    return c == null ? noSuchOverload(a, "compareTo", b) : IntT.intOf(Integer.signum(c));
  }

  static Val isGreaterThan(Val a, Val b) {
    Integer c = compare(a, b);
    return c == null ? noSuchOverload(a, "isGreaterThan", b) : Types.boolOf(c > 0);
  }

  static Val isLessThan(Val a, Val b) {
    Integer c = compare(a, b);
    return c == null ? noSuchOverload(a, "isLessThan", b) : Types.boolOf(c < 0);
  }

  private static Integer compare(Val a, Val b) {
    if (a instanceof QuantityLibrary.QuantityVal x && b instanceof QuantityLibrary.QuantityVal y) {
      return x.amount.compareTo(y.amount);
    }
    if (a instanceof SemverLibrary.SemverVal x && b instanceof SemverLibrary.SemverVal y) {
      return x.compareTo(y);
    }
    return null;
  }
}
