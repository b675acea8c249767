package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;

import com.google.api.expr.v1alpha1.Type;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' semver library (Semantic Versioning 2.0.0): {@code semver}, {@code isSemver}, and on
 * a Semver {@code major}, {@code minor}, {@code patch}, {@code compareTo}, {@code isGreaterThan},
 * {@code isLessThan}.
 */
public final class SemverLibrary implements Library {
  static final String TYPE_NAME = "kubernetes.Semver";
  static final Type TYPE = Decls.newObjectType(TYPE_NAME);
  private static final org.projectnessie.cel.common.types.ref.Type VAL_TYPE =
      OpaqueVal.typeNamed(TYPE_NAME);
  private static final Pattern SEMVER =
      Pattern.compile(
          "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  static final class SemverVal extends OpaqueVal {
    final long major;
    final long minor;
    final long patch;
    final String pre;
    final String text;

    SemverVal(long major, long minor, long patch, String pre, String text) {
      super(VAL_TYPE);
      this.major = major;
      this.minor = minor;
      this.patch = patch;
      this.pre = pre;
      this.text = text;
    }

    @Override
    String text() {
      return text;
    }

    @Override
    boolean sameAs(OpaqueVal other) {
      return compareTo((SemverVal) other) == 0;
    }

    int compareTo(SemverVal o) {
      int c = Long.compare(major, o.major);
      if (c == 0) {
        c = Long.compare(minor, o.minor);
      }
      if (c == 0) {
        c = Long.compare(patch, o.patch);
      }
      if (c != 0) {
        return c;
      }
      if (pre == null || o.pre == null) {
        return pre == null ? (o.pre == null ? 0 : 1) : -1;
      }
      String[] a = pre.split("\\.");
      String[] b = o.pre.split("\\.");
      for (int i = 0; i < Math.min(a.length, b.length); i++) {
        boolean an = a[i].chars().allMatch(Character::isDigit);
        boolean bn = b[i].chars().allMatch(Character::isDigit);
        int d;
        if (an && bn) {
          d = new java.math.BigInteger(a[i]).compareTo(new java.math.BigInteger(b[i]));
        } else if (an != bn) {
          d = an ? -1 : 1;
        } else {
          d = a[i].compareTo(b[i]);
        }
        if (d != 0) {
          return d;
        }
      }
      return Integer.compare(a.length, b.length);
    }
  }

  static Val semver(String text) {
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      return newErr("No Major.Minor.Patch elements found");
    }
    try {
      return new SemverVal(
          Long.parseLong(m.group(1)),
          Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3)),
          m.group(4),
          text);
    } catch (NumberFormatException e) {
      return newErr("version component out of range in '%s'", text);
    }
  }

  @Override
  public List<EnvOption> getCompileOptions() {
    return List.of(
        EnvOption.declarations(
            Decls.newFunction(
                "semver", Decls.newOverload("string_to_semver", List.of(Decls.String), TYPE)),
            Decls.newFunction(
                "isSemver",
                Decls.newOverload("is_semver_string", List.of(Decls.String), Decls.Bool)),
            Decls.newFunction(
                "major", Decls.newInstanceOverload("semver_major", List.of(TYPE), Decls.Int)),
            Decls.newFunction(
                "minor", Decls.newInstanceOverload("semver_minor", List.of(TYPE), Decls.Int)),
            Decls.newFunction(
                "patch", Decls.newInstanceOverload("semver_patch", List.of(TYPE), Decls.Int)),
            Decls.newFunction(
                "compareTo",
                Decls.newInstanceOverload("semver_compare_to", List.of(TYPE, TYPE), Decls.Int)),
            Decls.newFunction(
                "isGreaterThan",
                Decls.newInstanceOverload(
                    "semver_is_greater_than", List.of(TYPE, TYPE), Decls.Bool)),
            Decls.newFunction(
                "isLessThan",
                Decls.newInstanceOverload("semver_is_less_than", List.of(TYPE, TYPE), Decls.Bool)),
            Decls.newFunction(
                "string", Decls.newOverload("semver_to_string", List.of(TYPE), Decls.String))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            StringParsers.parse("semver", SemverLibrary::semver),
            StringParsers.check("isSemver", SemverLibrary::semver),
            Overload.unary(
                "major",
                v ->
                    v instanceof SemverVal s
                        ? IntT.intOf(s.major)
                        : noSuchOverload(v, "major", null)),
            Overload.unary(
                "minor",
                v ->
                    v instanceof SemverVal s
                        ? IntT.intOf(s.minor)
                        : noSuchOverload(v, "minor", null)),
            Overload.unary(
                "patch",
                v ->
                    v instanceof SemverVal s
                        ? IntT.intOf(s.patch)
                        : noSuchOverload(v, "patch", null))));
  }
}
