package dev.paddock.webhook.policy;

import java.util.Map;

/** The Namespace object (as parsed JSON) a request's object lives in, or null when unknown. */
@FunctionalInterface
public interface NamespaceLookup {
  Map<String, Object> namespace(String name);

  static NamespaceLookup none() {
    return name -> null;
  }
}
