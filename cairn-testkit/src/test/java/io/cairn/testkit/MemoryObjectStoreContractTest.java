package io.cairn.testkit;

import io.cairn.engine.store.MemoryObjectStore;
import io.cairn.engine.store.ObjectStore;

class MemoryObjectStoreContractTest extends ObjectStoreContract {
  @Override
  protected ObjectStore newStore() {
    return new MemoryObjectStore();
  }
}
