package dev.paddock.webhook;

/** AdmissionReview JSON for tests. */
public final class Reviews {
  private Reviews() {}

  public static String sandbox(String uid, String operation, String labelsJson) {
    return sandbox(uid, operation, labelsJson, false);
  }

  public static String sandbox(String uid, String operation, String labelsJson, boolean dryRun) {
    String object =
        """
        {"apiVersion":"agents.x-k8s.io/v1beta1","kind":"Sandbox",
         "metadata":{"name":"box","namespace":"team-a","labels":%s},
         "spec":{"podTemplate":{"spec":{"containers":[{"name":"agent","image":"python:3.12"}]}}}}
        """
            .formatted(labelsJson);
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
         "request":{"uid":"%s",
          "kind":{"group":"agents.x-k8s.io","version":"v1beta1","kind":"Sandbox"},
          "resource":{"group":"agents.x-k8s.io","version":"v1beta1","resource":"sandboxes"},
          "name":"box","namespace":"team-a","operation":"%s",
          "userInfo":{"username":"alice","groups":["system:authenticated"]},
          "object":%s,"oldObject":null,"dryRun":%s}}
        """
        .formatted(uid, operation, object, dryRun);
  }
}
