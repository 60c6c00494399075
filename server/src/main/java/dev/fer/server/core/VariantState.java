package dev.fer.server.core;

/** Life of a generator variant: only READY variants get traffic. */
public enum VariantState {
  LOADING, WARMING, READY, DRAINING, UNLOADED, FAILED
}
