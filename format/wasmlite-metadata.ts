// The "wasmlite" metadata entry the trainer writes into each export (JSON:
// labels, preprocessing, provenance), read back leniently: a file from
// elsewhere may have none, or one that is not ours.

/** The "wasmlite" metadata entry as JSON, or undefined when there is none (or it is not JSON). */
export function wasmliteMetadata(metadata: Record<string, Uint8Array>): Record<string, unknown> | undefined {
  const raw = metadata["wasmlite"];
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(raw));
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The class labels of the model's single output, if its "wasmlite" metadata names them. */
export function labelsFromMetadata(metadata: Record<string, Uint8Array>): string[] | undefined {
  const labels = wasmliteMetadata(metadata)?.labels;
  return Array.isArray(labels) ? labels.map(String) : undefined;
}
