package io.cairn.engine.store;

/** A stored object's key and size. */
public record ObjectInfo(String key, long size) {}
