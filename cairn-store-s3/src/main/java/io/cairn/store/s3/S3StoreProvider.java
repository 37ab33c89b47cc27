package io.cairn.store.s3;

import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.StoreProvider;
import java.util.List;
import java.util.Map;

/** Opens {@code s3:} locations (registered in META-INF/services for the store factory). */
public final class S3StoreProvider implements StoreProvider {
  @Override
  public List<String> schemes() {
    return List.of("s3");
  }

  @Override
  public ObjectStore open(String location, Map<String, String> env, boolean create) {
    return S3ObjectStore.open(S3Location.parse(location, env), env, create);
  }

  @Override
  public void warmUp() {
    S3ObjectStore.warmUp();
  }

  @Override
  public String canonical(String location, Map<String, String> env) {
    return S3Location.parse(location, env).canonical();
  }
}
