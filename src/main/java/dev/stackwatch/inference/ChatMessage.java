package dev.stackwatch.inference;

/** A chat message reduced to what generation needs: the role and the text content. */
public record ChatMessage(String role, String content) {}
