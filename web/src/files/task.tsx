// Long file operations: a task with a progress bar and Cancel when the
// panel runs it in the background, a plain wait when it answers at once.
import { useState } from 'preact/hooks';
import { cancelTask, startFileOp, waitTask, type AsyncOp, type Task } from '../api/files_transfer';
import { useApp } from '../ui/context';
import { formatSize } from './util';

export function useTask() {
  const { api } = useApp();
  const [task, setTask] = useState<Task | null>(null);
  const [label, setLabel] = useState('');
  const run = async (what: string, op: AsyncOp, body: Record<string, unknown>) => {
    setLabel(what);
    setTask({ id: '', kind: op, status: 'running', percent: 0, bytes_done: 0, bytes_total: 0 });
    try {
      const started = await startFileOp(api, op, body);
      if (started.task_id) await waitTask(api, started.task_id, setTask);
    } finally {
      setTask(null);
    }
  };
  const cancel = async () => {
    if (task?.id) await cancelTask(api, task.id).catch(() => undefined);
  };
  return { task, label, run, cancel };
}

export function TaskProgress({ t }: { t: ReturnType<typeof useTask> }) {
  if (!t.task) return null;
  const started = t.task.id !== '' && (t.task.percent > 0 || !!t.task.bytes_total);
  const total = t.task.bytes_total ? ` (${formatSize(t.task.bytes_done)} of ${formatSize(t.task.bytes_total)})` : '';
  return (
    <div class="task" role="status" aria-live="polite">
      <label>
        {t.label}
        {started ? ` ${Math.round(t.task.percent)}%${total}` : '…'}
        <progress max={100} value={started ? t.task.percent : undefined} />
      </label>
      {t.task.id && (
        <button type="button" onClick={() => void t.cancel()}>
          Cancel
        </button>
      )}
    </div>
  );
}
