package dev.fer.spi;

/** A face rectangle in frame pixels, origin top-left; score in [0, 1]. */
public record FaceBox(float x, float y, float width, float height, float score) {}
