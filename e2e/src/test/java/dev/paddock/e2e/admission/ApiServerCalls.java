package dev.paddock.e2e.admission;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates objects with a plain HTTP request through the client's own (authenticated) HTTP client,
 * so that a test sees what the API server answered exactly: the status code, the body (the stored
 * object, or a Status), and the admission warnings of the {@code Warning} headers, which fabric8's
 * typed calls do not expose. The body is sent as given: explicit nulls reach the API server.
 */
final class ApiServerCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code 299 - "text"} (RFC 7234), text with {@code \"} and {@code \\} escaped. */
  private static final Pattern WARNING = Pattern.compile("^\\d{3} \\S+ \"((?:[^\"\\\\]|\\\\.)*)\"");

  private ApiServerCalls() {}

  /**
   * What the API server answered.
   *
   * @param code the HTTP status code
   * @param body the parsed JSON body: the created object, or a Status
   * @param warnings the texts of the {@code Warning} headers, in order
   */
  record Reply(int code, Map<String, Object> body, List<String> warnings) {
    boolean created() {
      return code == 201 || code == 200;
    }

    /** The Status message of a refusal, "" for a success. */
    String message() {
      return created() ? "" : String.valueOf(body.getOrDefault("message", ""));
    }

    /** The Status reason of a refusal, "" for a success. */
    String reason() {
      return created() ? "" : String.valueOf(body.getOrDefault("reason", ""));
    }
  }

  /** POSTs {@code object} to the namespaced {@code resource} of {@code apiVersion}. */
  static Reply create(
      KubernetesClient client,
      String apiVersion,
      String resource,
      String namespace,
      Map<String, Object> object,
      boolean dryRun) {
    String prefix = apiVersion.contains("/") ? "apis/" : "api/";
    String url =
        client.getMasterUrl().toString().replaceAll("/$", "")
            + "/"
            + prefix
            + apiVersion
            + (namespace == null ? "" : "/namespaces/" + namespace)
            + "/"
            + resource
            // Strict: an unknown field in a test case is an error of the test, never pruned away
            + "?fieldValidation=Strict"
            + (dryRun ? "&dryRun=All" : "");
    String body;
    try {
      body = JSON.writeValueAsString(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .header("Accept", "application/json")
            .post("application/json", body)
            .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling " + url, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot call " + url + ": " + e, e);
    }
    Map<String, Object> parsed;
    try {
      parsed = JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException(
          "not JSON from " + url + " (" + response.code() + "): " + response.body(), e);
    }
    return new Reply(response.code(), parsed, warnings(response.headers("Warning")));
  }

  static List<String> warnings(List<String> headers) {
    List<String> texts = new ArrayList<>();
    for (String header : headers == null ? List.<String>of() : headers) {
      Matcher m = WARNING.matcher(header);
      texts.add(m.find() ? m.group(1).replaceAll("\\\\(.)", "$1") : header);
    }
    return texts;
  }
}
