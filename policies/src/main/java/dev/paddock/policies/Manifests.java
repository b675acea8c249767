package dev.paddock.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads YAML or JSON manifests (one or many documents per file) into parsed JSON maps. */
public final class Manifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private Manifests() {}

  /** A file that cannot be read or parsed; the message names the file and, if known, the line. */
  public static final class InvalidManifestException extends Exception {
    public InvalidManifestException(String message) {
      super(message);
    }
  }

  /** Every non-empty document in a file, in order. */
  public static List<Map<String, Object>> read(Path file) throws InvalidManifestException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidManifestException(file + ": cannot read: " + describe(e));
    }
    return parse(text, file.toString());
  }

  /** Every non-empty document in YAML (or JSON) text; {@code source} names it in errors. */
  public static List<Map<String, Object>> parse(String text, String source)
      throws InvalidManifestException {
    List<Map<String, Object>> documents = new ArrayList<>();
    try (MappingIterator<Object> it = YAML.readerFor(Object.class).readValues(text)) {
      while (it.hasNextValue()) {
        Object value = it.nextValue();
        if (value == null) {
          continue;
        }
        if (!(value instanceof Map<?, ?>)) {
          throw new InvalidManifestException(
              source + ": a document must be an object, not " + describeValue(value));
        }
        documents.add(JSON.convertValue(value, MAP));
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() != null ? ":" + e.getLocation().getLineNr() : "";
      throw new InvalidManifestException(source + where + ": " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw new InvalidManifestException(source + ": " + describe(e));
    }
    return documents;
  }

  /** Policy documents from files, each remembering its file name. */
  public static List<PolicyDocument> readPolicies(Path file) throws InvalidManifestException {
    return read(file).stream().map(m -> new PolicyDocument(file.toString(), m)).toList();
  }

  /** A Kubernetes object (SandboxPolicy, TenantProfile, ...) as parsed JSON. */
  public static Map<String, Object> toMap(Object object) {
    return JSON.convertValue(object, MAP);
  }

  /** Parsed JSON as a model class. */
  public static <T> T fromMap(Map<String, Object> map, Class<T> type) {
    return JSON.convertValue(map, type);
  }

  /** Parsed JSON as compact JSON text. */
  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Parsed JSON as indented JSON text. */
  public static String toPrettyJson(Object value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String describeValue(Object value) {
    return value instanceof List<?> ? "a list" : "'" + value + "'";
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
