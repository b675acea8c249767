package dev.paddock.controller.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer store that drops {@code metadata.managedFields} before caching: the reconciler never
 * reads them, and on pods (written by the kubelet on every status change) they are a large share of
 * each cached object.
 */
final class ManagedFieldsPruningStore<T extends HasMetadata> extends BasicItemStore<T> {

  ManagedFieldsPruningStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return super.put(key, object);
  }
}
