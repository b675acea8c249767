package dev.paddock.webhook.http;

import dev.paddock.webhook.admission.AdmissionHandler;
import dev.paddock.webhook.admission.AdmissionRequest;
import dev.paddock.webhook.admission.AdmissionResult;
import dev.paddock.webhook.metrics.AdmissionMetrics;
import io.undertow.io.Receiver;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * {@code POST /validate} and {@code POST /mutate}: receives the body without blocking (on the I/O
 * thread, with a size limit and a deadline), then parses and evaluates it on a worker thread, so a
 * slow or hostile client never holds a worker.
 */
public final class AdmissionHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHttpHandler.class);
  private static final String JSON = "application/json";

  /** Which admission call a path makes. */
  public enum Webhook {
    VALIDATE("validate"),
    MUTATE("mutate");

    private final String tag;

    Webhook(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final Webhook webhook;
  private final AdmissionHandler handler;
  private final AdmissionReviewCodec codec;
  private final AdmissionMetrics metrics;
  private final Executor workers;
  private final int maxBodyBytes;
  private final long bodyTimeoutMillis;

  public AdmissionHttpHandler(
      Webhook webhook,
      AdmissionHandler handler,
      AdmissionReviewCodec codec,
      AdmissionMetrics metrics,
      Executor workers,
      int maxBodyBytes,
      Duration bodyTimeout) {
    this.webhook = webhook;
    this.handler = handler;
    this.codec = codec;
    this.metrics = metrics;
    this.workers = workers;
    this.maxBodyBytes = maxBodyBytes;
    this.bodyTimeoutMillis = bodyTimeout.toMillis();
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    long started = System.nanoTime();
    if (!Methods.POST.equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "POST");
      refuse(exchange, 405, "MethodNotAllowed", "use POST with an AdmissionReview body");
      return;
    }
    if (!isJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
      refuse(
          exchange,
          415,
          "UnsupportedMediaType",
          "Content-Type must be application/json, got '"
              + clip(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))
              + "'");
      return;
    }
    long length = exchange.getRequestContentLength();
    if (length > maxBodyBytes) {
      refuse(exchange, 413, "RequestEntityTooLarge", tooLarge());
      return;
    }
    AtomicBoolean answered = new AtomicBoolean();
    XnioExecutor.Key deadline =
        exchange
            .getIoThread()
            .executeAfter(
                () -> {
                  if (answered.compareAndSet(false, true)) {
                    refuse(
                        exchange,
                        408,
                        "Timeout",
                        "request body not received within " + bodyTimeoutMillis + " ms");
                  }
                },
                bodyTimeoutMillis,
                TimeUnit.MILLISECONDS);
    Receiver receiver = exchange.getRequestReceiver();
    receiver.setMaxBufferSize(maxBodyBytes);
    receiver.receiveFullBytes(
        (ex, body) -> {
          deadline.remove();
          if (answered.compareAndSet(false, true)) {
            try {
              ex.dispatch(workers, () -> evaluate(ex, body, started));
            } catch (RejectedExecutionException e) {
              refuse(ex, 503, "ServiceUnavailable", "too many admission requests in flight");
            }
          }
        },
        (ex, error) -> {
          deadline.remove();
          if (answered.compareAndSet(false, true)) {
            if (error instanceof Receiver.RequestToLargeException
                || error instanceof RequestTooBigException) {
              refuse(ex, 413, "RequestEntityTooLarge", tooLarge());
            } else {
              // the client went away or stalled mid-body: nobody is left to answer
              LOG.debug("admission: request body not received: {}", error.toString());
              IoUtils.safeClose(ex.getConnection());
            }
          }
        });
  }

  private void evaluate(HttpServerExchange exchange, byte[] body, long started) {
    AdmissionReviewCodec.ParsedReview review;
    try {
      review = codec.parse(body);
    } catch (BadReviewException e) {
      refuse(exchange, e.status(), e.reason(), e.getMessage());
      return;
    }
    AdmissionRequest request = review.request();
    AdmissionResult result;
    try {
      result = webhook == Webhook.VALIDATE ? handler.validate(request) : handler.mutate(request);
    } catch (RuntimeException e) {
      // a fault of ours, not the client's: 500 lets the API server apply the failurePolicy
      LOG.error(
          "admission: {} {} {}/{} failed: {}",
          webhook.tag(),
          request.kind().kind(),
          request.namespace(),
          request.name(),
          e.toString(),
          e);
      if (!request.dryRun()) {
        metrics.decided(
            webhook.tag(),
            request.operation(),
            request.kind().kind(),
            "error",
            System.nanoTime() - started);
      }
      send(
          exchange,
          500,
          codec.status(500, "InternalError", "admission failed inside the webhook; see its log"));
      return;
    }
    byte[] response;
    try {
      response = codec.response(review, result);
    } catch (RuntimeException e) {
      LOG.error("admission: cannot write the response for {}: {}", request.uid(), e.toString(), e);
      send(exchange, 500, codec.status(500, "InternalError", "cannot write the response"));
      return;
    }
    send(exchange, 200, response);
    if (!result.errors().isEmpty()) {
      LOG.warn(
          "admission: {} {} {}/{}: {} evaluation error(s): {}",
          webhook.tag(),
          request.kind().kind(),
          request.namespace(),
          request.name(),
          result.errors().size(),
          String.join("; ", result.errors()));
    }
    if (!request.dryRun()) {
      metrics.evaluationErrors(webhook.tag(), result.errors().size());
      metrics.decided(
          webhook.tag(),
          request.operation(),
          request.kind().kind(),
          decision(result),
          System.nanoTime() - started);
    }
  }

  private static String decision(AdmissionResult result) {
    if (!result.allowed()) {
      return "denied";
    }
    return result.patchedObject() != null ? "patched" : "allowed";
  }

  private void refuse(HttpServerExchange exchange, int status, String reason, String message) {
    metrics.refused(exchange.getRequestPath(), status);
    if (!exchange.isRequestComplete()) {
      // the rest of the body is not worth reading: close after answering
      exchange.setPersistent(false);
    }
    send(exchange, status, codec.status(status, reason, message));
  }

  private static void send(HttpServerExchange exchange, int status, byte[] body) {
    if (exchange.isResponseStarted()) {
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, JSON);
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  private String tooLarge() {
    return "request body is larger than " + maxBodyBytes + " bytes";
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals(JSON);
  }

  private static String clip(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
