package dev.paddock.policies.cel;

import static org.projectnessie.cel.common.types.Err.isError;
import static org.projectnessie.cel.common.types.Err.newErr;
import static org.projectnessie.cel.common.types.Err.noSuchOverload;
import static org.projectnessie.cel.common.types.StringT.stringOf;
import static org.projectnessie.cel.common.types.Types.boolOf;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.projectnessie.cel.EnvOption;
import org.projectnessie.cel.Library;
import org.projectnessie.cel.ProgramOption;
import org.projectnessie.cel.checker.Decls;
import org.projectnessie.cel.common.types.IntT;
import org.projectnessie.cel.common.types.ListT;
import org.projectnessie.cel.common.types.StringT;
import org.projectnessie.cel.common.types.ref.Val;
import org.projectnessie.cel.interpreter.Activation;
import org.projectnessie.cel.interpreter.Interpretable;
import org.projectnessie.cel.interpreter.Interpretable.InterpretableCall;
import org.projectnessie.cel.interpreter.Interpretable.InterpretableConst;
import org.projectnessie.cel.interpreter.InterpretableDecorator;

/**
 * Regular expressions in linear time (RE2 semantics through re2j), as Kubernetes has them: the
 * standard {@code matches}, replaced, and the regex library's {@code find} and {@code findAll}. A
 * constant pattern is compiled once, when the program is planned.
 */
public final class RegexLibrary implements Library {
  private static final Map<String, Object> PATTERN_CACHE = new ConcurrentHashMap<>();
  private static final int CACHE_LIMIT = 1024;

  @Override
  public List<EnvOption> getCompileOptions() {
    return List.of(
        EnvOption.declarations(
            Decls.newFunction(
                "find",
                Decls.newInstanceOverload(
                    "string_find_string", List.of(Decls.String, Decls.String), Decls.String)),
            Decls.newFunction(
                "findAll",
                Decls.newInstanceOverload(
                    "string_find_all_string",
                    List.of(Decls.String, Decls.String),
                    Decls.newListType(Decls.String)),
                Decls.newInstanceOverload(
                    "string_find_all_string_int",
                    List.of(Decls.String, Decls.String, Decls.Int),
                    Decls.newListType(Decls.String)))));
  }

  @Override
  public List<ProgramOption> getProgramOptions() {
    return List.of(
        ProgramOption.functions(
            KubernetesLibraries.anyArity("find", args -> call("find", null, args)),
            KubernetesLibraries.anyArity("findAll", args -> call("findAll", null, args))),
        ProgramOption.customDecorator(new Re2Decorator()));
  }

  /** Swaps the standard matches (java.util.regex) for re2j and precompiles constant patterns. */
  static final class Re2Decorator implements InterpretableDecorator {
    @Override
    public Interpretable decorate(Interpretable i) {
      if (i instanceof InterpretableCall call) {
        String function = call.function();
        if (function.equals("matches") || function.equals("find") || function.equals("findAll")) {
          Interpretable[] args = call.args();
          Object pattern = null;
          if (args.length >= 2
              && args[1] instanceof InterpretableConst constant
              && constant.value() instanceof StringT text) {
            pattern = compile(text.value().toString());
          }
          return new Re2Call(call.id(), function, call.overloadID(), args, pattern);
        }
      }
      return i;
    }
  }

  private record Re2Call(
      long id, String function, String overloadID, Interpretable[] args, Object pattern)
      implements InterpretableCall {
    @Override
    public Val eval(Activation activation) {
      Val[] values = new Val[args.length];
      for (int i = 0; i < args.length; i++) {
        values[i] = args[i].eval(activation);
        if (isError(values[i])) {
          return values[i];
        }
      }
      return call(function, pattern, values);
    }
  }

  static Val call(String function, Object precompiled, Val... args) {
    if (args.length < 2 || !(args[0] instanceof StringT) || !(args[1] instanceof StringT)) {
      return noSuchOverload(args.length > 0 ? args[0] : null, function, null);
    }
    Object compiled = precompiled != null ? precompiled : compile(args[1].value().toString());
    if (compiled instanceof Val err) {
      return err;
    }
    Pattern pattern = (Pattern) compiled;
    String text = args[0].value().toString();
    switch (function) {
      case "matches":
        return boolOf(pattern.matcher(text).find());
      case "find":
        {
          Matcher m = pattern.matcher(text);
          return stringOf(m.find() ? m.group() : "");
        }
      default:
        {
          long limit = -1;
          if (args.length == 3) {
            if (!(args[2] instanceof IntT)) {
              return noSuchOverload(args[0], function, null);
            }
            limit = args[2].intValue();
          }
          List<String> found = new ArrayList<>();
          Matcher m = pattern.matcher(text);
          while ((limit < 0 || found.size() < limit) && m.find()) {
            found.add(m.group());
          }
          return ListT.newStringArrayList(found.toArray(new String[0]));
        }
    }
  }

  /** A compiled pattern, or an error value for one RE2 refuses. */
  static Object compile(String regex) {
    Object cached = PATTERN_CACHE.get(regex);
    if (cached != null) {
      return cached;
    }
    Object compiled;
    try {
      compiled = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      compiled = newErr("invalid regular expression '%s': %s", regex, e.getDescription());
    }
    if (PATTERN_CACHE.size() < CACHE_LIMIT) {
      PATTERN_CACHE.put(regex, compiled);
    }
    return compiled;
  }
}
