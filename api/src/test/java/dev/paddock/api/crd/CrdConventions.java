package dev.paddock.api.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes API conventions that fabric8's CRD generator leaves out and the upstream CRDs (made by
 * controller-gen) have: printer columns in the order they are declared, a required {@code spec},
 * integer formats from the Java types, RFC 3339 times, and the schema of {@code metav1.Condition}.
 */
final class CrdConventions implements CRDPostProcessor {
  /** Properties that hold RFC 3339 timestamps, wherever they appear. */
  private static final Set<String> DATE_TIME_PROPERTIES =
      Set.of("shutdownTime", "lastTransitionTime");

  private final Map<String, Class<? extends HasMetadata>> byName;

  CrdConventions(List<Class<? extends HasMetadata>> resources) {
    this.byName = new java.util.HashMap<>();
    for (Class<? extends HasMetadata> type : resources) {
      byName.put(HasMetadata.getFullResourceName(type), type);
    }
  }

  @Override
  public HasMetadata process(HasMetadata resource, String crdSpecVersion) {
    CustomResourceDefinition crd = (CustomResourceDefinition) resource;
    Class<? extends HasMetadata> type = byName.get(crd.getMetadata().getName());
    if (type == null) {
      return crd;
    }
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      orderPrinterColumns(version, type);
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      if (root.getProperties().containsKey("spec")) {
        root.setRequired(List.of("spec"));
      }
      addObjectEnvelope(root);
      crd.getSpec().getNames().setListKind(crd.getSpec().getNames().getKind() + "List");
      if (CustomResource.class.isAssignableFrom(type)) {
        Type[] specAndStatus = customResourceTypeArguments(type);
        applyJavaTypes(root.getProperties().get("spec"), specAndStatus[0], new HashSet<>());
        applyJavaTypes(root.getProperties().get("status"), specAndStatus[1], new HashSet<>());
      }
    }
    return crd;
  }

  /** apiVersion, kind and metadata, as every built-in type's schema declares them. */
  private static void addObjectEnvelope(JSONSchemaProps root) {
    Map<String, JSONSchemaProps> properties = new java.util.LinkedHashMap<>();
    JSONSchemaProps apiVersion = new JSONSchemaProps();
    apiVersion.setType("string");
    apiVersion.setDescription(
        "APIVersion defines the versioned schema of this representation of an object.");
    JSONSchemaProps kind = new JSONSchemaProps();
    kind.setType("string");
    kind.setDescription("Kind is a string value representing the REST resource this object is.");
    JSONSchemaProps metadata = new JSONSchemaProps();
    metadata.setType("object");
    properties.put("apiVersion", apiVersion);
    properties.put("kind", kind);
    properties.put("metadata", metadata);
    properties.putAll(root.getProperties());
    root.setProperties(properties);
  }

  private static void orderPrinterColumns(
      CustomResourceDefinitionVersion version, Class<? extends HasMetadata> type) {
    List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
    AdditionalPrinterColumn[] declared = type.getAnnotationsByType(AdditionalPrinterColumn.class);
    if (columns == null || declared.length == 0) {
      return;
    }
    List<String> order = Arrays.stream(declared).map(AdditionalPrinterColumn::name).toList();
    List<CustomResourceColumnDefinition> sorted = new ArrayList<>(columns);
    sorted.sort((a, b) -> Integer.compare(order.indexOf(a.getName()), order.indexOf(b.getName())));
    version.setAdditionalPrinterColumns(sorted);
  }

  private static Type[] customResourceTypeArguments(Class<?> type) {
    Type superType = type.getGenericSuperclass();
    while (!(superType instanceof ParameterizedType p && p.getRawType() == CustomResource.class)) {
      superType = ((Class<?>) superType).getGenericSuperclass();
    }
    return ((ParameterizedType) superType).getActualTypeArguments();
  }

  /** Walks a schema beside the Java type it was generated from. */
  private static void applyJavaTypes(JSONSchemaProps schema, Type javaType, Set<Type> seen) {
    if (schema == null || javaType == null || javaType == Void.class) {
      return;
    }
    Class<?> raw = rawClass(javaType);
    if (raw == Integer.class || raw == int.class) {
      schema.setFormat("int32");
      return;
    }
    if (raw == Long.class || raw == long.class) {
      schema.setFormat("int64");
      return;
    }
    if (List.class.isAssignableFrom(raw)) {
      if (schema.getItems() != null && javaType instanceof ParameterizedType p) {
        applyJavaTypes(schema.getItems().getSchema(), p.getActualTypeArguments()[0], seen);
      }
      return;
    }
    if (Map.class.isAssignableFrom(raw)) {
      if (schema.getAdditionalProperties() != null && javaType instanceof ParameterizedType p) {
        applyJavaTypes(
            schema.getAdditionalProperties().getSchema(), p.getActualTypeArguments()[1], seen);
      }
      return;
    }
    if (raw == Condition.class) {
      conditionSchema(schema);
    }
    if (raw == PodSpec.class) {
      schema.setRequired(List.of("containers"));
    }
    if (schema.getProperties() == null || !seen.add(javaType)) {
      return;
    }
    for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
      if (DATE_TIME_PROPERTIES.contains(property.getKey())) {
        property.getValue().setFormat("date-time");
      }
      Field field = findField(raw, property.getKey());
      if (field != null) {
        applyJavaTypes(property.getValue(), field.getGenericType(), seen);
      }
    }
    seen.remove(javaType);
  }

  /** The facts of metav1.Condition that its Java model cannot carry. */
  private static void conditionSchema(JSONSchemaProps schema) {
    schema.setRequired(List.of("lastTransitionTime", "message", "reason", "status", "type"));
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    properties
        .get("status")
        .setEnum(List.of(new TextNode("True"), new TextNode("False"), new TextNode("Unknown")));
    properties.get("observedGeneration").setMinimum(0.0);
    properties.get("reason").setPattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
    properties.get("reason").setMaxLength(1024L);
    properties.get("reason").setMinLength(1L);
    properties.get("message").setMaxLength(32768L);
    properties
        .get("type")
        .setPattern(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
    properties.get("type").setMaxLength(316L);
  }

  private static Field findField(Class<?> type, String jsonName) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        String name =
            property != null && !property.value().isEmpty() ? property.value() : field.getName();
        if (name.equals(jsonName)) {
          return field;
        }
      }
    }
    return null;
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }
}
