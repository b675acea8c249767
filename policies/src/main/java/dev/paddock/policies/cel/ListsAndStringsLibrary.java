package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;
import static org.projectnessie.cel.common.types.IntT.intOf;
import static org.projectnessie.cel.common.types.StringT.stringOf;

import com.google.api.expr.v1alpha1.Type;
import java.util.ArrayList;
import java.util.List;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.Err;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.ListT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.Types;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.common.types.traits.Adder;
import org.projectnessie.cel.common.types.traits.Comparer;
import org.projectnessie.cel.common.types.traits.Lister;
import org.projectnessie.cel.interpreter.functions.Overload;

/**
 * Kubernetes' lists library ({@code isSorted}, {@code sum}, {@code min}, {@code max}, {@code
 * indexOf}, {@code lastIndexOf}) and the CEL strings extension it enables ({@code charAt}, {@code
 * indexOf}, {@code lastIndexOf}, {@code lowerAscii}, {@code upperAscii}, {@code replace}, {@code
 * split}, {@code substring}, {@code trim}, {@code join}, {@code reverse}). Both live here because
 * {@code indexOf} and {@code lastIndexOf} serve strings and lists under one name: cel-tools
 * dispatches by function name only. Strings are indexed by code point, as in CEL.
 */
public final class ListsAndStringsLibrary implements Library {
  private static final Type T = Decls.newTypeParamType("T");
  private static final Type LIST_T = Decls.newListType(T);
  private static final Type STRINGS = Decls.newListType(Decls.String);

  @Override
  public List<EnvOption> getCompileOptions() {
    List<String> t = List.of("T");
    return List.of(
        EnvOption.declarations(
            Decls.newFunction(
                "isSorted",
                Decls.newParameterizedInstanceOverload(
                    "list_is_sorted", List.of(LIST_T), Decls.Bool, t)),
            Decls.newFunction(
                "sum", Decls.newParameterizedInstanceOverload("list_sum", List.of(LIST_T), T, t)),
            Decls.newFunction(
                "min", Decls.newParameterizedInstanceOverload("list_min", List.of(LIST_T), T, t)),
            Decls.newFunction(
                "max", Decls.newParameterizedInstanceOverload("list_max", List.of(LIST_T), T, t)),
            Decls.newFunction(
                "indexOf",
                Decls.newParameterizedInstanceOverload(
                    "list_index_of", List.of(LIST_T, T), Decls.Int, t),
                Decls.newInstanceOverload(
                    "string_index_of_string", List.of(Decls.String, Decls.String), Decls.Int),
                Decls.newInstanceOverload(
                    "string_index_of_string_int",
                    List.of(Decls.String, Decls.String, Decls.Int),
                    Decls.Int)),
            Decls.newFunction(
                "lastIndexOf",
                Decls.newParameterizedInstanceOverload(
                    "list_last_index_of", List.of(LIST_T, T), Decls.Int, t),
                Decls.newInstanceOverload(
                    "string_last_index_of_string", List.of(Decls.String, Decls.String), Decls.Int),
                Decls.newInstanceOverload(
                    "string_last_index_of_string_int",
                    List.of(Decls.String, Decls.String, Decls.Int),
                    Decls.Int)),
            Decls.newFunction(
                "charAt",
                Decls.newInstanceOverload(
                    "string_char_at_int", List.of(Decls.String, Decls.Int), Decls.String)),
            Decls.newFunction(
                "lowerAscii",
                Decls.newInstanceOverload(
                    "string_lower_ascii", List.of(Decls.String), Decls.String)),
            Decls.newFunction(
                "upperAscii",
                Decls.newInstanceOverload(
                    "string_upper_ascii", List.of(Decls.String), Decls.String)),
            Decls.newFunction(
                "trim",
                Decls.newInstanceOverload("string_trim", List.of(Decls.String), Decls.String)),
            Decls.newFunction(
                "reverse",
                Decls.newInstanceOverload("string_reverse", List.of(Decls.String), Decls.String)),
            Decls.newFunction(
                "replace",
                Decls.newInstanceOverload(
                    "string_replace_string_string",
                    List.of(Decls.String, Decls.String, Decls.String),
                    Decls.String),
                Decls.newInstanceOverload(
                    "string_replace_string_string_int",
                    List.of(Decls.String, Decls.String, Decls.String, Decls.Int),
                    Decls.String)),
            Decls.newFunction(
                "split",
                Decls.newInstanceOverload(
                    "string_split_string", List.of(Decls.String, Decls.String), STRINGS),
                Decls.newInstanceOverload(
                    "string_split_string_int",
                    List.of(Decls.String, Decls.String, Decls.Int),
                    STRINGS)),
            Decls.newFunction(
                "substring",
                Decls.newInstanceOverload(
                    "string_substring_int", List.of(Decls.String, Decls.Int), Decls.String),
                Decls.newInstanceOverload(
                    "string_substring_int_int",
                    List.of(Decls.String, Decls.Int, Decls.Int),
                    Decls.String)),
            Decls.newFunction(
                "join",
                Decls.newInstanceOverload("list_join", List.of(STRINGS), Decls.String),
                Decls.newInstanceOverload(
                    "list_join_string", List.of(STRINGS, Decls.String), Decls.String))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            Overload.unary("isSorted", ListsAndStringsLibrary::isSorted),
            Overload.unary("sum", ListsAndStringsLibrary::sum),
            Overload.unary("min", v -> extreme(v, -1)),
            Overload.unary("max", v -> extreme(v, 1)),
            KubernetesLibraries.anyArity("indexOf", args -> indexOf(args, false)),
            KubernetesLibraries.anyArity("lastIndexOf", args -> indexOf(args, true)),
            Overload.binary("charAt", ListsAndStringsLibrary::charAt),
            Overload.unary("lowerAscii", v -> ascii(v, false)),
            Overload.unary("upperAscii", v -> ascii(v, true)),
            Overload.unary(
                "trim",
                v ->
                    v instanceof StringT
                        ? stringOf(str(v).strip())
                        : noSuchOverload(v, "trim", null)),
            Overload.unary(
                "reverse",
                v ->
                    v instanceof StringT
                        ? stringOf(new StringBuilder(str(v)).reverse().toString())
                        : noSuchOverload(v, "reverse", null)),
            KubernetesLibraries.anyArity("replace", ListsAndStringsLibrary::replace),
            KubernetesLibraries.anyArity("split", ListsAndStringsLibrary::split),
            KubernetesLibraries.anyArity("substring", ListsAndStringsLibrary::substring),
            KubernetesLibraries.anyArity("join", ListsAndStringsLibrary::join)));
  }

  private static String str(Val v) {
    return (String) v.value();
  }

  private static Val isSorted(Val v) {
    if (!(v instanceof Lister list)) {
      return noSuchOverload(v, "isSorted", null);
    }
    long size = list.size().intValue();
    for (long i = 1; i < size; i++) {
      Val prev = list.get(intOf(i - 1));
      if (!(prev instanceof Comparer c)) {
        return noSuchOverload(prev, "isSorted", null);
      }
      Val cmp = c.compare(list.get(intOf(i)));
      if (Err.isError(cmp)) {
        return cmp;
      }
      if (cmp.intValue() > 0) {
        return Types.boolOf(false);
      }
    }
    return Types.boolOf(true);
  }

  private static Val sum(Val v) {
    if (!(v instanceof Lister list)) {
      return noSuchOverload(v, "sum", null);
    }
    long size = list.size().intValue();
    if (size == 0) {
      return intOf(0);
    }
    Val total = list.get(intOf(0));
    for (long i = 1; i < size; i++) {
      if (!(total instanceof Adder adder)) {
        return noSuchOverload(total, "sum", null);
      }
      total = adder.add(list.get(intOf(i)));
      if (Err.isError(total)) {
        return total;
      }
    }
    return total;
  }

  private static Val extreme(Val v, int sign) {
    String name = sign < 0 ? "min" : "max";
    if (!(v instanceof Lister list)) {
      return noSuchOverload(v, name, null);
    }
    long size = list.size().intValue();
    if (size == 0) {
      return newErr("%s called on empty list", name);
    }
    Val best = list.get(intOf(0));
    for (long i = 1; i < size; i++) {
      Val candidate = list.get(intOf(i));
      if (!(candidate instanceof Comparer c)) {
        return noSuchOverload(candidate, name, null);
      }
      Val cmp = c.compare(best);
      if (Err.isError(cmp)) {
        return cmp;
      }
      if (Long.signum(cmp.intValue()) == sign) {
        best = candidate;
      }
    }
    return best;
  }

  private static Val indexOf(Val[] args, boolean last) {
    String name = last ? "lastIndexOf" : "indexOf";
    if (args.length >= 2 && args[0] instanceof Lister list && args.length == 2) {
      long size = list.size().intValue();
      for (long k = 0; k < size; k++) {
        long i = last ? size - 1 - k : k;
        if (list.get(intOf(i)).equal(args[1]) == Types.boolOf(true)) {
          return intOf(i);
        }
      }
      return intOf(-1);
    }
    if (args.length < 2 || !(args[0] instanceof StringT) || !(args[1] instanceof StringT)) {
      return noSuchOverload(args.length > 0 ? args[0] : null, name, null);
    }
    int[] text = str(args[0]).codePoints().toArray();
    int[] sub = str(args[1]).codePoints().toArray();
    long offset = last ? text.length : 0;
    if (args.length == 3) {
      if (!(args[2] instanceof IntT)) {
        return noSuchOverload(args[0], name, null);
      }
      offset = args[2].intValue();
      if (offset < 0 || offset > text.length) {
        return newErr("index out of range: %d", offset);
      }
    }
    if (!last) {
      for (long i = offset; i + sub.length <= text.length; i++) {
        if (regionMatches(text, (int) i, sub)) {
          return intOf(i);
        }
      }
    } else {
      for (long i = Math.min(offset, text.length - sub.length); i >= 0; i--) {
        if (regionMatches(text, (int) i, sub)) {
          return intOf(i);
        }
      }
    }
    return intOf(-1);
  }

  private static boolean regionMatches(int[] text, int at, int[] sub) {
    for (int j = 0; j < sub.length; j++) {
      if (text[at + j] != sub[j]) {
        return false;
      }
    }
    return true;
  }

  private static Val charAt(Val s, Val index) {
    if (!(s instanceof StringT) || !(index instanceof IntT)) {
      return noSuchOverload(s, "charAt", index);
    }
    int[] cps = str(s).codePoints().toArray();
    long i = index.intValue();
    if (i < 0 || i > cps.length) {
      return newErr("index out of range: %d", i);
    }
    return stringOf(i == cps.length ? "" : new String(cps, (int) i, 1));
  }

  private static Val ascii(Val v, boolean upper) {
    if (!(v instanceof StringT)) {
      return noSuchOverload(v, upper ? "upperAscii" : "lowerAscii", null);
    }
    char[] chars = str(v).toCharArray();
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (upper && c >= 'a' && c <= 'z') {
        chars[i] = (char) (c - 32);
      } else if (!upper && c >= 'A' && c <= 'Z') {
        chars[i] = (char) (c + 32);
      }
    }
    return stringOf(new String(chars));
  }

  private static Val replace(Val... args) {
    if (args.length < 3
        || !(args[0] instanceof StringT)
        || !(args[1] instanceof StringT)
        || !(args[2] instanceof StringT)
        || (args.length == 4 && !(args[3] instanceof IntT))) {
      return noSuchOverload(args.length > 0 ? args[0] : null, "replace", null);
    }
    String text = str(args[0]);
    String old = str(args[1]);
    String replacement = str(args[2]);
    long n = args.length == 4 ? args[3].intValue() : -1;
    if (n < 0) {
      return stringOf(text.replace(old, replacement));
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long done = 0; done < n; done++) {
      int at = text.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(text, from, at).append(replacement);
      from = at + old.length();
      if (old.isEmpty()) {
        if (from >= text.length()) {
          break;
        }
        out.append(text.charAt(from));
        from++;
      }
    }
    out.append(text.substring(from));
    return stringOf(out.toString());
  }

  private static Val split(Val... args) {
    if (args.length < 2
        || !(args[0] instanceof StringT)
        || !(args[1] instanceof StringT)
        || (args.length == 3 && !(args[2] instanceof IntT))) {
      return noSuchOverload(args.length > 0 ? args[0] : null, "split", null);
    }
    String text = str(args[0]);
    String sep = str(args[1]);
    long n = args.length == 3 ? args[2].intValue() : -1;
    if (n == 0) {
      return ListT.newStringArrayList(new String[0]);
    }
    List<String> parts = new ArrayList<>();
    if (sep.isEmpty()) {
      text.codePoints().forEach(cp -> parts.add(new String(Character.toChars(cp))));
      if (n > 0 && parts.size() > n) {
        String rest = String.join("", parts.subList((int) n - 1, parts.size()));
        parts.subList((int) n - 1, parts.size()).clear();
        parts.add(rest);
      }
    } else {
      int from = 0;
      while (n < 0 || parts.size() < n - 1) {
        int at = text.indexOf(sep, from);
        if (at < 0) {
          break;
        }
        parts.add(text.substring(from, at));
        from = at + sep.length();
      }
      parts.add(text.substring(from));
    }
    return ListT.newStringArrayList(parts.toArray(new String[0]));
  }

  private static Val substring(Val... args) {
    if (args.length < 2
        || !(args[0] instanceof StringT)
        || !(args[1] instanceof IntT)
        || (args.length == 3 && !(args[2] instanceof IntT))) {
      return noSuchOverload(args.length > 0 ? args[0] : null, "substring", null);
    }
    int[] cps = str(args[0]).codePoints().toArray();
    long start = args[1].intValue();
    long end = args.length == 3 ? args[2].intValue() : cps.length;
    if (start < 0 || start > cps.length) {
      return newErr("index out of range: %d", start);
    }
    if (end < 0 || end > cps.length) {
      return newErr("index out of range: %d", end);
    }
    if (start > end) {
      return newErr("invalid substring range. start: %d, end: %d", start, end);
    }
    return stringOf(new String(cps, (int) start, (int) (end - start)));
  }

  private static Val join(Val... args) {
    if (args.length < 1
        || !(args[0] instanceof Lister list)
        || (args.length == 2 && !(args[1] instanceof StringT))) {
      return noSuchOverload(args.length > 0 ? args[0] : null, "join", null);
    }
    String sep = args.length == 2 ? str(args[1]) : "";
    StringBuilder out = new StringBuilder();
    long size = list.size().intValue();
    for (long i = 0; i < size; i++) {
      Val item = list.get(intOf(i));
      if (!(item instanceof StringT)) {
        return noSuchOverload(item, "join", null);
      }
      if (i > 0) {
        out.append(sep);
      }
      out.append(str(item));
    }
    return stringOf(out.toString());
  }
}
