// A training run stopped from outside (Ctrl-C, SIGTERM, an aborted
// AbortSignal given to fitAsync): where it stopped. The command line turns
// it into exit code 130, as a shell does for a process ended by SIGINT.
export class Interrupted extends Error {
  constructor(
    /** The epoch in progress (1-based): its batches so far are not in any checkpoint. */
    readonly epoch: number,
    /** The last batch that ran (1-based), of `batches`. */
    readonly batch: number,
    readonly batches: number,
    message = `interrupted in epoch ${epoch} after batch ${batch} of ${batches}`,
  ) {
    super(message);
    this.name = "Interrupted";
  }
}
