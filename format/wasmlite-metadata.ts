// The "wasmlite" metadata entry the trainer writes into each export (JSON:
// labels, preprocessing, provenance), read back leniently: a file from
// elsewhere may have none, or one that is not ours.

/** The class labels of the model's single output, if its "wasmlite" metadata names them. */
export function labelsFromMetadata(metadata: Record<string, Uint8Array>): string[] | undefined {
  const raw = metadata["wasmlite"];
  if (!raw) return undefined;
  try {
    const labels = (JSON.parse(new TextDecoder().decode(raw)) as { labels?: unknown }).labels;
    return Array.isArray(labels) ? labels.map(String) : undefined;
  } catch {
    return undefined;
  }
}
