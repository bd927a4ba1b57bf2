// Training progress on the terminal: one cli-progress bar per epoch (batches done, ETA, and
// the epoch's loss and accuracy once it ends). When stdout is not a terminal (or JSON was
// asked for) no bar is drawn: `lines` mode prints one plain line per epoch, `off` nothing.
import cliProgress from 'cli-progress';
import type { EpochReport } from '../runtime/train.js';

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface EpochProgress {
  onBatch(done: number, total: number): void;
  onEpoch(r: EpochReport): void;
  /** Ends the current bar (after the last epoch or an interruption). */
  stop(): void;
}

/** 'bar' on a TTY, 'lines' when piped, 'off' for --json. */
export function chooseProgressMode(json: boolean, stream: NodeJS.WriteStream = process.stdout): ProgressMode {
  if (json) return 'off';
  return stream.isTTY ? 'bar' : 'lines';
}

export function formatEpochLine(r: EpochReport): string {
  const val = r.val ? `  val ${(r.val.accuracy * 100).toFixed(2)} %` : '';
  return `epoch ${r.epoch}/${r.epochs}  loss ${r.loss.toFixed(4)}  acc ${(r.accuracy * 100).toFixed(2)} %${val}  ${r.seconds.toFixed(1)} s`;
}

export function createEpochProgress(mode: ProgressMode, epochs: number, stream: NodeJS.WriteStream = process.stdout): EpochProgress {
  if (mode !== 'bar') {
    return {
      onBatch() {},
      onEpoch(r) {
        if (mode === 'lines') stream.write(`${formatEpochLine(r)}\n`);
      },
      stop() {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  let epoch = 0;
  const start = (total: number): cliProgress.SingleBar => {
    const b = new cliProgress.SingleBar({
      format: 'epoch {epoch}/{epochs} |{bar}| {percentage}% | ETA {eta_formatted} | loss {loss} | acc {acc}',
      stream, hideCursor: false, clearOnComplete: false, etaBuffer: 50, fps: 10,
    }, cliProgress.Presets.shades_classic);
    b.start(total, 0, { epoch: epoch + 1, epochs, loss: '…', acc: '…' });
    return b;
  };
  return {
    onBatch(done, total) {
      bar ??= start(total);
      bar.update(done);
    },
    onEpoch(r) {
      bar ??= start(1);
      bar.update(bar.getTotal(), { loss: r.loss.toFixed(4), acc: `${(r.accuracy * 100).toFixed(2)} %` });
      bar.stop();
      bar = undefined;
      epoch = r.epoch;
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
